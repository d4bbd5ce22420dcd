using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>A MAC filter entry; <see cref="Mac"/> is stored normalised ("aa:bb:cc:dd:ee:ff") and unique.</summary>
public sealed class MacFilterEntity : IListEntity<MacFilter>
{
    public int Id { get; set; }

    public required string Mac { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public MacFilter ToRecord() => new(Id, Mac, Name, Enabled);

    /// <summary>Everything but the id; <paramref name="filter"/>'s MAC must already be normalised.</summary>
    public void CopyFrom(MacFilter filter)
    {
        Mac = filter.Mac;
        Name = filter.Name;
        Enabled = filter.Enabled;
    }

    public static MacFilterEntity From(MacFilter filter) => new() { Mac = filter.Mac, Name = filter.Name, Enabled = filter.Enabled };
}

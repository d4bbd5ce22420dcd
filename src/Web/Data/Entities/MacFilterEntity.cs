using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>A MAC filter entry; <see cref="Mac"/> is stored normalised ("aa:bb:cc:dd:ee:ff") and unique.</summary>
public sealed class MacFilterEntity
{
    public int Id { get; set; }

    public required string Mac { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public MacFilter ToRecord() => new(Id, Mac, Name, Enabled);
}

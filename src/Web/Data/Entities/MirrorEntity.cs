using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>A traffic mirror: copies of one link's packets sent out of another.</summary>
public sealed class MirrorEntity : IListEntity<Mirror>
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public required string Interface { get; set; }

    public MirrorDirection Direction { get; set; }

    public string? Source { get; set; }

    public string? Destination { get; set; }

    public required string ToInterface { get; set; }

    public Mirror ToRecord() => new(Id, Name, Enabled, Interface, Direction, Source, Destination, ToInterface);

    public void CopyFrom(Mirror mirror)
    {
        Name = mirror.Name;
        Enabled = mirror.Enabled;
        Interface = mirror.Interface;
        Direction = mirror.Direction;
        Source = mirror.Source;
        Destination = mirror.Destination;
        ToInterface = mirror.ToInterface;
    }

    public static MirrorEntity From(Mirror mirror)
    {
        var entity = new MirrorEntity { Name = mirror.Name, Interface = mirror.Interface, ToInterface = mirror.ToInterface };
        entity.CopyFrom(mirror);
        return entity;
    }
}

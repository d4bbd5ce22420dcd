using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// An IPv6 pinhole. Its id goes into its conntrack mark (<c>CtMarks.Pinhole</c>), so ids come from an AUTOINCREMENT
/// column and are never reused after a delete.
/// </summary>
public sealed class PinholeEntity : IListEntity<Pinhole>
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public ForwardProtocol Protocol { get; set; }

    public int Port { get; set; }

    public int? PortEnd { get; set; }

    /// <summary>The host's interface identifier in RFC 5952 text ("::10"); null when the host is named by MAC.</summary>
    public string? HostSuffix { get; set; }

    /// <summary>Normalised "aa:bb:cc:dd:ee:ff"; null when the host is named by suffix.</summary>
    public string? Mac { get; set; }

    public string? SourceCidr { get; set; }

    public Pinhole ToRecord() => new(Id, Name, Enabled, Protocol, Port, PortEnd, HostSuffix, Mac, SourceCidr);

    public void CopyFrom(Pinhole pinhole)
    {
        Name = pinhole.Name;
        Enabled = pinhole.Enabled;
        Protocol = pinhole.Protocol;
        Port = pinhole.Port;
        PortEnd = pinhole.PortEnd;
        HostSuffix = pinhole.HostSuffix;
        Mac = pinhole.Mac;
        SourceCidr = pinhole.SourceCidr;
    }

    public static PinholeEntity From(Pinhole pinhole)
    {
        var entity = new PinholeEntity { Name = pinhole.Name };
        entity.CopyFrom(pinhole);
        return entity;
    }
}

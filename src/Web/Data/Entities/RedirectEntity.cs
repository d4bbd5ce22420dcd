using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// A redirect to one of the router's own ports. Its id goes into its conntrack mark (<c>CtMarks.Redirect</c>),
/// so ids come from an AUTOINCREMENT column and are never reused after a delete.
/// </summary>
public sealed class RedirectEntity : IListEntity<Redirect>
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    /// <summary>Null: the LAN link, whatever it is named at apply time.</summary>
    public string? InInterface { get; set; }

    public ForwardProtocol Protocol { get; set; }

    public int Port { get; set; }

    public int? PortEnd { get; set; }

    public int ToPort { get; set; }

    public string? Destination { get; set; }

    public Redirect ToRecord() => new(Id, Name, Enabled, InInterface, Protocol, Port, PortEnd, ToPort, Destination);

    public void CopyFrom(Redirect redirect)
    {
        Name = redirect.Name;
        Enabled = redirect.Enabled;
        InInterface = redirect.InInterface;
        Protocol = redirect.Protocol;
        Port = redirect.Port;
        PortEnd = redirect.PortEnd;
        ToPort = redirect.ToPort;
        Destination = redirect.Destination;
    }

    public static RedirectEntity From(Redirect redirect)
    {
        var entity = new RedirectEntity { Name = redirect.Name };
        entity.CopyFrom(redirect);
        return entity;
    }
}

using Gateway.Agent.Netlink;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Connections;

/// <summary>Turns a parsed entry into the row the web shows: names for family, protocol, TCP state and mark kind.</summary>
public static class ConnectionRows
{
    private static readonly string[] TcpStates =
        ["NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2"];

    public static ConnectionRow From(in ConnectionEntry entry, string? device, DateTimeOffset now)
    {
        var (kind, kindId) = Kind(entry.Mark);
        long? age = entry.StartNs == 0
            ? null
            : Math.Max(0, (now.ToUnixTimeMilliseconds() - (long)(entry.StartNs / 1_000_000)) / 1000);
        return new ConnectionRow(
            entry.Id,
            entry.Family == Nl.AfInet6 ? "ipv6" : "ipv4",
            ProtocolName(entry.Protocol),
            entry.TcpState >= 0 && entry.TcpState < TcpStates.Length ? TcpStates[entry.TcpState] : null,
            entry.Format(entry.OriginalSource),
            Port(entry.OriginalSource),
            entry.Format(entry.OriginalDestination),
            Port(entry.OriginalDestination),
            // The reply goes back to where the source was translated to, and comes from where the destination was.
            entry.Format(entry.ReplyDestination),
            Port(entry.ReplyDestination),
            entry.Format(entry.ReplySource),
            Port(entry.ReplySource),
            new ConnectionCounts((long)entry.OriginalBytes, (long)entry.ReplyBytes),
            new ConnectionCounts((long)entry.OriginalPackets, (long)entry.ReplyPackets),
            age,
            entry.TimeoutSeconds,
            kind,
            kindId,
            device);
    }

    /// <summary>What admitted the connection, from its ct mark: a forward's mark is its bare id, the others carry a kind tag.</summary>
    public static (string? Kind, int? Id) Kind(uint mark)
    {
        var id = (int)(mark & CtMarks.IdMask);
        if (mark == 0)
        {
            return (null, null);
        }

        return (mark & CtMarks.KindMask) switch
        {
            0 => ("forward", id),
            CtMarks.OneToOneKind => ("one-to-one", id),
            CtMarks.RedirectKind => ("redirect", id),
            CtMarks.PolicyRouteKind => ("policy-route", id),
            CtMarks.PinholeKind => ("pinhole", id),
            CtMarks.RuleKind => ("rule", id),
            // A mapping has no id: it is named by protocol and port, which the row shows.
            CtMarks.UpnpKind => ("upnp", null),
            _ => (null, null),
        };
    }

    private static int? Port(TupleEnd end) => end.Port < 0 ? null : end.Port;

    private static string ProtocolName(byte protocol) => protocol switch
    {
        6 => "tcp",
        17 => "udp",
        1 => "icmp",
        58 => "icmpv6",
        132 => "sctp",
        136 => "udplite",
        47 => "gre",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

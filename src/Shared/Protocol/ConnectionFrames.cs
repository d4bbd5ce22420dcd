namespace Gateway.Shared.Protocol;

/// <summary>
/// One page of the conntrack table, newest first. Filters combine with AND; the agent asks the kernel to filter by
/// family, protocol and ct mark and filters the rest (address, port, device) while the dump streams past, keeping
/// no more than one page.
/// </summary>
/// <param name="Protocol">"tcp", "udp", "icmp", "icmpv6", or an IP protocol number; null for all.</param>
/// <param name="Address">Matches either end of the connection, original or translated.</param>
/// <param name="Port">Matches any port of either end, original or translated.</param>
/// <param name="Device">A MAC: the connections of the LAN device that holds it.</param>
/// <param name="Mark">With <paramref name="MarkMask"/>: only entries whose <c>ct mark &amp; mask == mark</c> (<see cref="CtMarks"/>).</param>
/// <param name="Cursor">The <see cref="ConnectionsReply.NextCursor"/> of the page before; null for the first page.</param>
public sealed record ListConnectionsRequest(
    string? Protocol = null,
    string? Address = null,
    int? Port = null,
    string? Device = null,
    uint? Mark = null,
    uint? MarkMask = null,
    int Limit = 100,
    string? Cursor = null) : AgentRequest;

/// <summary>Delete the conntrack entry with this id; the agent answers with <see cref="ConnectionKilledReply"/>.</summary>
public sealed record KillConnectionRequest(uint ConnectionId) : AgentRequest;

/// <param name="Total">How many entries match the filters now.</param>
/// <param name="NextCursor">Where the next page starts; null after the last page.</param>
/// <param name="Error">Why the agent could not answer (the kernel refused the dump, a bad cursor); items are empty then.</param>
public sealed record ConnectionsReply(IReadOnlyList<ConnectionRow> Items, string? NextCursor, long Total, string? Error = null) : AgentEvent;

/// <param name="Found">False when no entry had that id (it had ended already).</param>
public sealed record ConnectionKilledReply(uint ConnectionId, bool Found, string? Error = null) : AgentEvent;

/// <summary>
/// One tracked connection. The translated ends are where the reply tuple says the packets really go (equal to the
/// original ends when nothing was translated). <paramref name="Kind"/> and <paramref name="KindId"/> come from the
/// ct mark (<see cref="CtMarks"/>); <paramref name="Device"/> is the MAC of the LAN end, when the router knows it.
/// </summary>
public sealed record ConnectionRow(
    uint Id,
    string Family,
    string Protocol,
    string? State,
    string Source,
    int? SourcePort,
    string Destination,
    int? DestinationPort,
    string TranslatedSource,
    int? TranslatedSourcePort,
    string TranslatedDestination,
    int? TranslatedDestinationPort,
    ConnectionCounts Bytes,
    ConnectionCounts Packets,
    long? AgeSeconds,
    long ExpiresInSeconds,
    string? Kind,
    int? KindId,
    string? Device);

/// <summary>Per direction: original (from the connection's source) and reply.</summary>
public sealed record ConnectionCounts(long Original, long Reply);

namespace Gateway.Shared.Protocol;

/// <summary>
/// The connection mark (<c>ct mark</c>) name space the ruleset writes and the agent counts and cuts by: a port
/// forward's mark is its id; other kinds of entry carry their id under a kind tag in the top byte, so no kind
/// can ever collide with another (ids stay far below 2^24).
/// </summary>
public static class CtMarks
{
    public const uint KindMask = 0xff00_0000;
    public const uint IdMask = 0x00ff_ffff;
    public const uint OneToOneKind = 0x0100_0000;
    public const uint RedirectKind = 0x0200_0000;
    public const uint PolicyRouteKind = 0x0300_0000;
    public const uint PinholeKind = 0x0400_0000;
    public const uint RuleKind = 0x0500_0000;

    /// <summary>Connections a UPnP / NAT-PMP / PCP mapping admitted (no id: a mapping is cut by its tuple).</summary>
    public const uint UpnpKind = 0x0600_0000;

    public static uint PortForward(int id) => (uint)id & IdMask;

    public static uint OneToOne(int id) => OneToOneKind | ((uint)id & IdMask);

    public static uint Redirect(int id) => RedirectKind | ((uint)id & IdMask);

    public static uint PolicyRoute(int id) => PolicyRouteKind | ((uint)id & IdMask);

    public static uint Pinhole(int id) => PinholeKind | ((uint)id & IdMask);

    /// <summary>
    /// An input or forward accept rule's mark, set on the connections it admits that carry no other mark (a
    /// forward's, 1:1's, redirect's or policy route's mark stays, and that entry cuts them when it goes).
    /// </summary>
    public static uint Rule(int id) => RuleKind | ((uint)id & IdMask);
}

/// <summary>
/// What the agent owns in the routing system for policy routes: table, rule priority and packet mark are the
/// same number, 30000 + the route's slot (its place among the enabled policy routes ordered by id), and priority
/// 30000 itself holds the "main table without its default routes" rule, so LAN and connected destinations never
/// follow a policy's default route.
/// </summary>
public static class PolicyRouting
{
    public const int First = 30000;
    public const int Last = 30999;

    /// <summary>The priority of the agent's <c>lookup main suppress_prefixlength 0</c> rule.</summary>
    public const int SuppressDefaultPriority = First;

    /// <summary>Table, rule priority and fwmark of the slot-th enabled policy route (0-based).</summary>
    public static int Number(int slot) => First + 1 + slot;
}

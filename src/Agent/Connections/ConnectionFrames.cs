using Gateway.Agent.Kernel;
using Gateway.Agent.Links;
using Gateway.Agent.Netlink;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Connections;

/// <summary>The agent's answers to <c>list-connections</c> and <c>kill-connection</c>, each on a socket of its own.</summary>
public static class ConnectionFrames
{
    /// <param name="lanInterface">The LAN link: only its neighbours are devices (the WAN's gateway is a neighbour too).</param>
    public static ConnectionsReply List(ListConnectionsRequest request, IReadOnlyList<DhcpLease> leases, string? lanInterface)
    {
        var query = ConnectionQuery.From(request, out var error);
        if (query is null)
        {
            return new ConnectionsReply([], null, 0, error);
        }

        try
        {
            ConntrackSwitches.TurnOn();
            var devices = DeviceMap.From(NeighbourTable.Read().Where(n => n.Interface == lanInterface), leases);
            using var socket = new NetlinkSocket();
            return ConnectionLister.List(socket, query, devices, DateTimeOffset.UtcNow);
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException or IOException)
        {
            return new ConnectionsReply([], null, 0, ex.Message);
        }
    }

    /// <param name="request">The kill request.</param>
    /// <param name="cuttingTcp">Gets a TCP entry's two directions before the delete (<see cref="ConnectionKiller.Kill"/>).</param>
    public static ConnectionKilledReply Kill(KillConnectionRequest request, Action<IReadOnlyList<Nft.FlowTuple>>? cuttingTcp = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            using var socket = new NetlinkSocket();
            return new ConnectionKilledReply(request.ConnectionId, ConnectionKiller.Kill(socket, request.ConnectionId, cuttingTcp));
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
        {
            return new ConnectionKilledReply(request.ConnectionId, false, ex.Message);
        }
    }
}

/// <summary>
/// The conntrack switches the connections page needs: per-entry byte counters (nf_conntrack_acct) and start
/// times (nf_conntrack_timestamp, for age and newest-first order). Both are 0 in a new namespace and only entries
/// created after they are on carry the data, so the agent turns them on as soon as conntrack is loaded.
/// </summary>
public static class ConntrackSwitches
{
    public const string Accounting = "net/netfilter/nf_conntrack_acct";
    public const string Timestamps = "net/netfilter/nf_conntrack_timestamp";

    /// <summary>Turns both on; a namespace without conntrack loaded yet is left alone (the next call tries again).</summary>
    public static void TurnOn()
    {
        try
        {
            Sysctl.TurnOn(Accounting);
            Sysctl.TurnOn(Timestamps);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not loaded yet (no ruleset applied), or not ours to change: the rows then lack counters and ages.
        }
    }
}

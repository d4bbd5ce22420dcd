using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>
/// The agent as pages use it: one injection for the connection state, what the kernel holds, the live data and the
/// requests, over <see cref="AgentChannel"/> (talking), <see cref="AppliedState"/> (what the kernel holds),
/// <see cref="ConfirmState"/> (commit-confirmed) and <see cref="AgentFeed"/> (live data). A new request frame is one
/// method here. A service that needs one part injects that part instead: writes tell <see cref="ApplyPump"/>,
/// metrics listen to <see cref="AppliedState"/> and <see cref="AgentFeed"/>, the revert recorder to
/// <see cref="ConfirmState"/>.
/// </summary>
public sealed class AgentClient(AgentChannel channel, AppliedState applied, AgentFeed feed, ConfirmState confirm)
{
    public bool Connected => channel.Connected;

    public long AppliedRevision => applied.AppliedRevision;

    public string? LastApplyError => applied.LastApplyError;

    public DateTimeOffset? LastAppliedAt => applied.LastAppliedAt;

    public ConntrackSample? LatestSample => feed.LatestSample;

    /// <summary>Each rule's counter from the agent's latest sample, by rule id; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, RuleHits> LatestRuleHits => feed.LatestRuleHits;

    /// <inheritdoc cref="AgentFeed.LatestQuotaUse"/>
    public IReadOnlyDictionary<int, long> LatestQuotaUse => feed.LatestQuotaUse;

    /// <inheritdoc cref="AgentFeed.LatestLogSuppressed"/>
    public long? LatestLogSuppressed => feed.LatestLogSuppressed;

    /// <inheritdoc cref="AgentFeed.LatestPortScanBlocked"/>
    public long? LatestPortScanBlocked => feed.LatestPortScanBlocked;

    /// <summary>The last time the agent found its table changed under it; kept across reconnects.</summary>
    public DriftEvent? LastDrift => feed.LastDrift;

    /// <summary>The commit-confirmed revision the agent waits to have confirmed (null: none, or not connected).</summary>
    public PendingConfirmation? PendingConfirmation => confirm.Pending;

    /// <summary>The agent put back the previous ruleset because a revision was not confirmed in time.</summary>
    public event Action<RevertedEvent>? Reverted
    {
        add => confirm.Reverted += value;
        remove => confirm.Reverted -= value;
    }

    /// <summary>Connect, disconnect, hello, applied, a commit-confirmed window opened or closed.</summary>
    public event Action? StatusChanged
    {
        add
        {
            channel.StatusChanged += value;
            applied.Changed += value;
            confirm.Changed += value;
        }

        remove
        {
            channel.StatusChanged -= value;
            applied.Changed -= value;
            confirm.Changed -= value;
        }
    }

    public event Action<ConntrackSample>? SampleReceived
    {
        add => feed.SampleReceived += value;
        remove => feed.SampleReceived -= value;
    }

    public event Action<FirewallLogEntry>? LogReceived
    {
        add => feed.LogReceived += value;
        remove => feed.LogReceived -= value;
    }

    public event Action<CountersSample>? CountersReceived
    {
        add => feed.CountersReceived += value;
        remove => feed.CountersReceived -= value;
    }

    public event Action<DriftEvent>? DriftDetected
    {
        add => feed.DriftDetected += value;
        remove => feed.DriftDetected -= value;
    }

    /// <inheritdoc cref="AgentFeed.RecentLogs"/>
    public IReadOnlyList<FirewallLogEntry> RecentLogs(FirewallLogLevel minLevel, int limit) => feed.RecentLogs(minLevel, limit);

    /// <inheritdoc cref="AgentFeed.TotalHistory"/>
    public IReadOnlyList<ConntrackPoint> TotalHistory(TimeSpan window) => feed.TotalHistory(window);

    /// <inheritdoc cref="AgentFeed.LatestOneToOneConnections"/>
    public IReadOnlyDictionary<int, long> LatestOneToOneConnections() => feed.LatestOneToOneConnections();

    /// <inheritdoc cref="AgentFeed.LatestPinholeConnections"/>
    public IReadOnlyDictionary<int, long> LatestPinholeConnections() => feed.LatestPinholeConnections();

    /// <inheritdoc cref="ConfirmState.ConfirmAsync"/>
    public Task<ConfirmStateEvent> ConfirmAsync(long revision, CancellationToken ct = default) => confirm.ConfirmAsync(revision, ct);

    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<IReadOnlyList<LinkInfo>> GetInterfacesAsync(CancellationToken ct = default) =>
        (await GetInterfacesReplyAsync(ct)).Interfaces;

    /// <summary>The links and, in <see cref="InterfacesReply.AgentAddresses"/>, the addresses the agent itself put on them.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public Task<InterfacesReply> GetInterfacesReplyAsync(CancellationToken ct = default) =>
        channel.RequestAsync<InterfacesReply>(new GetInterfacesRequest(), ct);

    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<string> GetRulesetAsync(CancellationToken ct = default) =>
        (await channel.RequestAsync<RulesetReply>(new GetRulesetRequest(), ct)).Text;

    /// <summary>The router's resolved IPv4 neighbours (its ARP table): address, MAC and link of each.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<IReadOnlyList<Neighbour>> GetNeighboursAsync(CancellationToken ct = default) =>
        (await channel.RequestAsync<NeighboursReply>(new GetNeighboursRequest(), ct)).Neighbours;

    /// <summary>What the agent's dnsmasq has handed out on the LAN now.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public async Task<IReadOnlyList<DhcpLease>> GetLeasesAsync(CancellationToken ct = default) =>
        (await channel.RequestAsync<LeasesReply>(new GetLeasesRequest(), ct)).Leases;

    /// <summary>The agent's view of the LAN's devices: neighbours, leases, connections and byte totals per MAC.</summary>
    public Task<DevicesReply> GetDevicesAsync(CancellationToken ct = default) =>
        channel.RequestAsync<DevicesReply>(new GetDevicesRequest(), ct);

    /// <summary>One page of the conntrack table, filtered by the agent.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<ConnectionsReply> ListConnectionsAsync(ListConnectionsRequest request, CancellationToken ct = default) =>
        channel.RequestAsync<ConnectionsReply>(request, ct);

    /// <summary>Deletes one conntrack entry by its id; the reply says whether it was there.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<ConnectionKilledReply> KillConnectionAsync(uint id, CancellationToken ct = default) =>
        channel.RequestAsync<ConnectionKilledReply>(new KillConnectionRequest(id), ct);

    /// <summary>The UPnP / NAT-PMP / PCP mappings live now (none while UPnP is off).</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<UpnpMappingsReply> GetUpnpMappingsAsync(CancellationToken ct = default) =>
        channel.RequestAsync<UpnpMappingsReply>(new GetUpnpMappingsRequest(), ct);

    /// <summary>Removes one mapping and cuts its connections; the reply says whether it was there.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<UpnpMappingsReply> DeleteUpnpMappingAsync(string id, CancellationToken ct = default) =>
        channel.RequestAsync<UpnpMappingsReply>(new DeleteUpnpMappingRequest(id), ct);

    /// <summary>Starts a rule's quota again; the reply says whether the agent did.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<QuotaResetReply> ResetQuotaAsync(int ruleId, CancellationToken ct = default) =>
        channel.RequestAsync<QuotaResetReply>(new ResetQuotaRequest(ruleId), ct);

    /// <summary>The sources port-scan protection blocks now.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<BlockedSourcesReply> GetBlockedSourcesAsync(CancellationToken ct = default) =>
        channel.RequestAsync<BlockedSourcesReply>(new GetBlockedSourcesRequest(), ct);

    /// <summary>Frees one blocked source; the reply says whether it was blocked.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<BlockedSourcesReply> FreeBlockedSourceAsync(string address, CancellationToken ct = default) =>
        channel.RequestAsync<BlockedSourcesReply>(new FreeBlockedSourceRequest(address), ct);

    /// <summary>The uplink as the agent sees it now, with its change counters.</summary>
    /// <exception cref="AgentUnavailableException">The agent is not connected or did not answer.</exception>
    public Task<WanStatusReply> GetWanStatusAsync(CancellationToken ct = default) =>
        channel.RequestAsync<WanStatusReply>(new GetWanStatusRequest(), ct);
}

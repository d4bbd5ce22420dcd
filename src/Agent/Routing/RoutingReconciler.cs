using System.Text;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Routing;

/// <summary>
/// Brings the kernel's routing state to what a config wants, touching only what the agent owns: the LAN address, 1:1
/// NAT addresses and the LAN's static IPv6 address it added (recorded in <see cref="AddedAddressesFile"/>), and ip rules and routes in priorities/tables
/// 30000–30999. Adds what is missing, removes what it owns and no longer wants, never anything else. A route whose
/// out link is missing or down is left out (its fwmark rule stays, so that traffic falls through to the main
/// table) and added by a later pass once the link is up. Callers serialise calls.
/// </summary>
public sealed partial class RoutingReconciler(IRoutingKernel kernel, AddedAddressesFile file, ILogger logger)
{
    private readonly LoosenedFiltersFile _loosened = new(file.StateDirectory);
    private List<AddedAddress>? _added;
    private IReadOnlyList<string> _agentAddresses = [];
    private HashSet<string> _failures = new(StringComparer.Ordinal);

    /// <summary>Addresses the agent added and still holds, "a.b.c.d" each (for the interfaces reply).</summary>
    public IReadOnlyList<string> AgentAddresses => Volatile.Read(ref _agentAddresses);

    /// <summary>The rules the config wants: none without an enabled policy route.</summary>
    public static IReadOnlyList<RoutingRule> WantedRules(GatewayConfig? config)
    {
        var routes = EnabledPolicyRoutes(config);
        if (routes.Count == 0)
        {
            return [];
        }

        var rules = new List<RoutingRule> { new(PolicyRouting.SuppressDefaultPriority, Rtnl.TableMain, SuppressPrefixLength: 0) };
        for (var slot = 0; slot < routes.Count; slot++)
        {
            var number = PolicyRouting.Number(slot);
            rules.Add(new RoutingRule(number, number, FwMark: (uint)number));
        }

        return rules;
    }

    /// <summary>One default route per enabled policy route, in its slot's table.</summary>
    public static IReadOnlyList<RoutingRoute> WantedRoutes(GatewayConfig? config) =>
        [.. EnabledPolicyRoutes(config).Select((route, slot) => new RoutingRoute(PolicyRouting.Number(slot), "default", route.Gateway, route.OutInterface))];

    /// <summary>The external addresses of enabled 1:1 entries with <c>addAddress</c>.</summary>
    public static IReadOnlyList<string> WantedAddresses(GatewayConfig? config) =>
        config is null ? [] : [.. config.OneToOne.Where(o => o.Enabled && o.AddAddress).Select(o => o.ExternalAddress).Distinct(StringComparer.Ordinal)];

    /// <summary>The static LAN IPv6 address (canonical form) and its prefix length; null when IPv6 is off or "auto".</summary>
    public static (string Address, int PrefixLength)? WantedLanIpv6(GatewayConfig? config)
    {
        var setting = config?.Network.LanIpv6;
        if (setting is null || setting == NetworkSettings.Ipv6Auto)
        {
            return null;
        }

        var slash = setting.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !System.Net.IPAddress.TryParse(setting[..slash], out var address)
            || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6
            || !int.TryParse(setting[(slash + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length))
        {
            return null;
        }

        return (address.ToString(), length);
    }

    /// <summary>The WAN link: the exact name, or for a pattern like <c>ppp*</c> the first matching link by name.</summary>
    public static string? ResolveLink(string pattern, IEnumerable<KernelLink> links) =>
        links.Select(l => l.Name).Where(n => FieldRules.InterfaceMatches(pattern, n)).Order(StringComparer.Ordinal).FirstOrDefault();

    private static List<PolicyRoute> EnabledPolicyRoutes(GatewayConfig? config) =>
        config is null ? [] : [.. config.PolicyRoutes.Where(r => r.Enabled).OrderBy(r => r.Id)];

    /// <summary>One pass (null config: want nothing). Returns what it changed, one line each; failures are logged once.</summary>
    /// <param name="firstBoot">While nothing was ever applied: the first-boot LAN link and address to hold instead of the config's.</param>
    public IReadOnlyList<string> Reconcile(GatewayConfig? config, FirstBootLan? firstBoot = null)
    {
        var changes = new List<string>();
        var failures = new List<string>();
        IReadOnlyList<KernelLink> links;
        try
        {
            links = kernel.Links();
        }
        catch (Exception ex) when (ex is RoutingException or InvalidDataException)
        {
            failures.Add($"listing links: {ex.Message}");
            Report(failures);
            return changes;
        }

        Step(() => ReconcileLanAddress(WantedLanAddress(config, firstBoot), links, changes, failures), "LAN address", failures);
        Step(() => ReconcileAddresses(config, links, changes, failures), "1:1 addresses", failures);
        Step(() => ReconcileLanIpv6(config, links, changes, failures), "LAN IPv6 address", failures);
        Step(() => ReconcileRules(config, changes), "policy rules", failures);
        Step(() => ReconcileRoutes(config, links, changes, failures), "policy routes", failures);
        foreach (var change in changes)
        {
            LogChanged(change);
        }

        Report(failures);
        return changes;
    }

    /// <summary>The agent's routing state as <c>ip</c> would print it, for the ruleset view; empty when it owns nothing.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        try
        {
            var rules = kernel.Rules().Where(r => r.IsOwned).OrderBy(r => r.Priority).ToList();
            var routes = kernel.Routes().OrderBy(r => r.Table).ToList();
            if (rules.Count + routes.Count > 0)
            {
                text.Append("# policy routing (owned by the agent)\n");
                foreach (var rule in rules)
                {
                    text.Append("ip rule ").Append(rule.ToString().Replace(":\t", ": ", StringComparison.Ordinal)).Append('\n');
                }

                foreach (var route in routes)
                {
                    text.Append("ip route ").Append(route).Append('\n');
                }
            }
        }
        catch (Exception ex) when (ex is RoutingException or InvalidDataException)
        {
            text.Append("# policy routing: could not be read (").Append(ex.Message).Append(")\n");
        }

        var added = _added ?? [];
        if (added.Count > 0)
        {
            text.Append("# addresses added by the agent (LAN address, 1:1 NAT, static LAN IPv6)\n");
            foreach (var address in added)
            {
                text.Append("ip address ").Append(address.Address).Append('/').Append(address.PrefixLength).Append(" dev ").Append(address.Link).Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Step(Action step, string what, List<string> failures)
    {
        try
        {
            step();
        }
        catch (Exception ex) when (ex is RoutingException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            failures.Add($"{what}: {ex.Message}");
        }
    }

    private void ReconcileAddresses(GatewayConfig? config, IReadOnlyList<KernelLink> links, List<string> changes, List<string> failures)
    {
        var added = _added ??= LoadAdded(failures);
        var wanted = WantedAddresses(config);
        var wan = config is null ? null : ResolveLink(config.Network.WanInterface, links);
        if (wanted.Count > 0 && wan is null)
        {
            failures.Add($"no link matches the WAN interface {config!.Network.WanInterface}: 1:1 addresses wait for it");
        }

        var present = kernel.Addresses();
        bool On(string link, string address) => present.Any(p => p.Link == link && p.Address == address);

        foreach (var record in added.Where(a => a.IsOneToOne).ToList())
        {
            if (record.Link == wan && wanted.Contains(record.Address))
            {
                continue;
            }

            if (On(record.Link, record.Address))
            {
                kernel.RemoveAddress(record.Link, record.Address);
                changes.Add($"removed address {record.Address}/32 from {record.Link}");
            }

            added.Remove(record);
            Publish(added);
        }

        if (wan is null)
        {
            return;
        }

        foreach (var address in wanted)
        {
            var record = new AddedAddress(wan, address);
            var ours = added.Contains(record);
            if (On(wan, address))
            {
                if (!ours)
                {
                    // Someone else's address: it stays, and it is not ours to remove later.
                    failures.Add($"{address} is already on {wan} and was not added by the agent; left alone");
                }

                continue;
            }

            if (!ours)
            {
                // The web refuses these too, but the table may have changed since (or the snapshot came from elsewhere).
                if (kernel.ForeignClaim(wan, address) is { } claim)
                {
                    failures.Add($"{address} {claim}: not added to {wan}, its 1:1 entry gets no address");
                    continue;
                }

                added.Add(record);
                Publish(added);
            }

            try
            {
                kernel.AddAddress(wan, address);
                changes.Add($"added address {address}/32 to {wan}");
            }
            catch (RoutingException ex)
            {
                added.Remove(record);
                Publish(added);
                failures.Add($"adding {address}/32 to {wan}: {ex.Message}");
            }
        }
    }

    /// <summary>
    /// The static <c>network.lanIpv6</c> on the LAN link: added (and recorded) when missing, removed when the setting
    /// changes, IPv6 goes off or the LAN link changes — only if the agent added it. "auto" wants nothing: the LAN's
    /// prefix is whatever the kernel has.
    /// </summary>
    private void ReconcileLanIpv6(GatewayConfig? config, IReadOnlyList<KernelLink> links, List<string> changes, List<string> failures)
    {
        var added = _added ??= LoadAdded(failures);
        var wanted = WantedLanIpv6(config);
        var lan = config?.Network.LanInterface;
        var records = added.Where(a => a.IsIpv6).ToList();
        if (records.Count == 0 && wanted is null)
        {
            return;
        }

        var present = kernel.Ipv6Addresses();
        bool On(string link, string address) => present.Any(p => p.Link == link && p.Address == address);
        var want = wanted is { } w ? new AddedAddress(lan!, w.Address, w.PrefixLength) : null;
        foreach (var record in records.Where(r => r != want))
        {
            if (On(record.Link, record.Address))
            {
                kernel.RemoveIpv6Address(record.Link, record.Address, record.PrefixLength);
                changes.Add($"removed address {record.Address}/{record.PrefixLength} from {record.Link}");
            }

            added.Remove(record);
            Publish(added);
        }

        if (want is null)
        {
            return;
        }

        if (links.All(l => l.Name != want.Link))
        {
            failures.Add($"the LAN link {want.Link} does not exist: {want.Address}/{want.PrefixLength} waits for it");
            return;
        }

        var ours = added.Contains(want);
        if (On(want.Link, want.Address))
        {
            // Already there: ours from before, or the owner's own (then it stays theirs and is never removed).
            return;
        }

        if (!ours)
        {
            added.Add(want);
            Publish(added);
        }

        try
        {
            kernel.AddIpv6Address(want.Link, want.Address, want.PrefixLength);
            changes.Add($"added address {want.Address}/{want.PrefixLength} to {want.Link}");
        }
        catch (RoutingException ex)
        {
            added.Remove(want);
            Publish(added);
            failures.Add($"adding {want.Address}/{want.PrefixLength} to {want.Link}: {ex.Message}");
        }
    }

    private void ReconcileRules(GatewayConfig? config, List<string> changes)
    {
        var present = kernel.Rules();
        var wanted = WantedRules(config);
        foreach (var rule in present.Where(r => r.IsOwned && !wanted.Contains(r)))
        {
            kernel.RemoveRule(rule);
            changes.Add($"removed ip rule {rule}");
        }

        foreach (var rule in wanted.Where(w => !present.Contains(w)))
        {
            kernel.AddRule(rule);
            changes.Add($"added ip rule {rule}");
        }
    }

    private void ReconcileRoutes(GatewayConfig? config, IReadOnlyList<KernelLink> links, List<string> changes, List<string> failures)
    {
        var present = kernel.Routes();
        var wanted = WantedRoutes(config);
        foreach (var route in present.Where(r => !wanted.Contains(r)))
        {
            kernel.RemoveRoute(route);
            changes.Add($"removed ip route {route}");
        }

        ReconcileReversePath(wanted, links, changes, failures);

        foreach (var route in wanted.Where(w => !present.Contains(w)))
        {
            var link = links.FirstOrDefault(l => l.Name == route.Device);
            if (link is not { Up: true })
            {
                failures.Add($"{route.Device} is {(link is null ? "missing" : "down")}: table {route.Table} stays empty and that traffic follows the main table");
                continue;
            }

            try
            {
                kernel.AddRoute(route);
                changes.Add($"added ip route {route}");
            }
            catch (RoutingException ex)
            {
                failures.Add($"adding ip route {route}: {ex.Message}; that traffic follows the main table");
            }
        }
    }

    /// <summary>
    /// Replies to a policy's traffic come back on its out link while the main table's route to their source points
    /// elsewhere: a strict reverse-path filter would drop every one of them, so each out link is made loose, and the
    /// value found there is recorded first. A recorded link no policy route uses any more gets that value back.
    /// </summary>
    private void ReconcileReversePath(IReadOnlyList<RoutingRoute> wanted, IReadOnlyList<KernelLink> links, List<string> changes, List<string> failures)
    {
        var recorded = _loosened.Load().ToList();
        var used = wanted.Select(r => r.Device!).ToHashSet(StringComparer.Ordinal);
        foreach (var device in used.Where(d => links.Any(l => l.Name == d)).Order(StringComparer.Ordinal))
        {
            try
            {
                if (kernel.StrictReversePathFilter(device) is not { } previous)
                {
                    continue;
                }

                if (recorded.All(r => r.Link != device))
                {
                    recorded.Add(new LoosenedFilter(device, previous));
                    _loosened.Save(recorded);
                }

                if (kernel.LoosenReversePathFilter(device))
                {
                    changes.Add($"set net.ipv4.conf.{device}.rp_filter to 2 (loose)");
                }
            }
            catch (RoutingException ex)
            {
                failures.Add(ex.Message);
            }
        }

        foreach (var stale in recorded.Where(r => !used.Contains(r.Link)).ToList())
        {
            try
            {
                if (kernel.RestoreReversePathFilter(stale.Link, stale.Previous))
                {
                    changes.Add($"set net.ipv4.conf.{stale.Link}.rp_filter back to {stale.Previous}");
                }

                recorded.Remove(stale);
                _loosened.Save(recorded);
            }
            catch (RoutingException ex)
            {
                failures.Add(ex.Message);
            }
        }
    }

    private List<AddedAddress> LoadAdded(List<string> failures)
    {
        try
        {
            var loaded = file.Load().ToList();
            Volatile.Write(ref _agentAddresses, [.. loaded.Where(a => a.IsOneToOne).Select(a => a.Address)]);
            return loaded;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"reading {file.FilePath}: {ex.Message}");
            return [];
        }
    }

    private void Publish(List<AddedAddress> added)
    {
        // The interfaces reply lists 1:1 addresses only ("a.b.c.d" by contract).
        Volatile.Write(ref _agentAddresses, [.. added.Where(a => a.IsOneToOne).Select(a => a.Address)]);
        file.Save([.. added]);
    }

    private void Report(List<string> failures)
    {
        foreach (var failure in failures.Where(f => !_failures.Contains(f)))
        {
            LogFailed(failure);
        }

        _failures = new HashSet<string>(failures, StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Routing: {Change}")]
    private partial void LogChanged(string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing: {Failure}")]
    private partial void LogFailed(string failure);
}

using System.Globalization;
using Gateway.Shared.Protocol;
using Gateway.Web.Data;
using Gateway.Web.State;
using Microsoft.EntityFrameworkCore;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Metrics;

/// <summary>
/// Renders one scrape: the agent link's latest samples (kernel figures, read as they are), the web's own
/// <see cref="GatewayCounters"/>, and names and revisions from the database. Families whose data comes from
/// the agent have no samples while it is disconnected (absent, not zero: "unknown" is not "none").
/// </summary>
public sealed partial class MetricsRenderer(AgentClient link, GatewayCounters counters, IDbContextFactory<GatewayDbContext> factory, Devices.DeviceList? devices = null)
{
    public async Task<string> RenderAsync(CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        var desired = await db.Revision.AsNoTracking().Select(r => (long?)r.DesiredRevision).SingleOrDefaultAsync(ct) ?? 0;
        var forwards = await db.PortForwards.AsNoTracking().Where(f => f.Enabled).OrderBy(f => f.Id).Select(f => new Named(f.Id, f.Name)).ToListAsync(ct);
        var pinholes = await db.Pinholes.AsNoTracking().Where(p => p.Enabled).OrderBy(p => p.Id).Select(p => new Named(p.Id, p.Name)).ToListAsync(ct);
        var oneToOne = await db.OneToOne.AsNoTracking().Where(o => o.Enabled).OrderBy(o => o.Id).Select(o => new Named(o.Id, o.Name)).ToListAsync(ct);
        var rules = await db.Rules.AsNoTracking().OrderBy(r => r.Id).Select(r => new Named(r.Id, r.Name)).ToListAsync(ct);

        var text = new PrometheusText();
        var connected = link.Connected;
        text.Family("gateway_agent_connected", "gauge", "1 while the web is connected to the agent, else 0.");
        text.Sample("gateway_agent_connected", connected ? 1 : 0);

        text.Family("gateway_revision", "gauge", "Desired-state revision stored by the web, and the one the agent reports applied.");
        text.Sample("gateway_revision", desired, ("kind", "desired"));
        text.Sample("gateway_revision", link.AppliedRevision, ("kind", "applied"));

        text.Family("gateway_applies_total", "counter", "Apply answers from the agent since the web started, by result (ok or error).");
        text.Sample("gateway_applies_total", counters.AppliesOk, ("result", "ok"));
        text.Sample("gateway_applies_total", counters.AppliesError, ("result", "error"));

        text.Family("gateway_apply_duration_seconds", "histogram", "Time the agent took per apply (compile and kernel transaction), as it reports it.");
        text.Histogram("gateway_apply_duration_seconds", counters.ApplyDuration.Snapshot());

        WriteConntrack(text, link.LatestSample, forwards, pinholes, oneToOne);
        WriteRuleHits(text, connected ? link.LatestRuleHits : null, rules);
        WriteQuotaUse(text, connected ? link.LatestQuotaUse : null, rules);

        await WriteWanAsync(text, connected, ct);
        await WriteDevicesAsync(text, connected, ct);

        text.Family("gateway_log_lines_total", "counter", "Firewall log lines received from the agent since the web started, by category and level.");
        foreach (var ((category, level), count) in counters.LogLines())
        {
            text.Sample("gateway_log_lines_total", count, ("category", category), ("level", level));
        }

        // Counted by the agent (log_tried - log_logged in its table), so absent while it is away or did not report it.
        text.Family("gateway_log_lines_suppressed_total", "counter", "Firewall log lines the shared log rate limit suppressed, as the agent counts them since it started.");
        if (connected && link.LatestLogSuppressed is { } suppressed)
        {
            text.Sample("gateway_log_lines_suppressed_total", suppressed);
        }

        // The agent's portscan_blocked counter (kept across applies), so absent while port-scan protection is off.
        text.Family("gateway_portscan_blocked_total", "counter", "Sources port-scan protection blocked, as the agent counts them since it started.");
        if (connected && link.LatestPortScanBlocked is { } blocked)
        {
            text.Sample("gateway_portscan_blocked_total", blocked);
        }

        return text.ToString();
    }

    private static void WriteConntrack(PrometheusText text, ConntrackSample? sample, List<Named> forwards, List<Named> pinholes, List<Named> oneToOne)
    {
        text.Family("gateway_conntrack_entries", "gauge",
            "Connection-tracking entries by address family (ipv4, ipv6; \"all\" from an agent that does not split them) and protocol.");
        if (sample?.ByFamily is { } families)
        {
            foreach (var (family, protocols) in families.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                foreach (var (protocol, count) in Sorted(protocols))
                {
                    text.Sample("gateway_conntrack_entries", count, ("family", family), ("protocol", protocol));
                }
            }
        }
        else
        {
            foreach (var (protocol, count) in Sorted(sample?.ByProtocol))
            {
                text.Sample("gateway_conntrack_entries", count, ("family", "all"), ("protocol", protocol));
            }
        }

        text.Family("gateway_conntrack_max", "gauge", "The kernel's conntrack table size (nf_conntrack_max).");
        if (sample is not null)
        {
            text.Sample("gateway_conntrack_max", sample.Max);
        }

        text.Family("gateway_conntrack_stat_total", "counter",
            "The kernel's conntrack statistics summed over CPUs; reset only by a reboot (or a new network namespace).");
        foreach (var (stat, count) in Sorted(sample?.Stats))
        {
            text.Sample("gateway_conntrack_stat_total", count, ("stat", stat));
        }

        Connections(text, "gateway_forward_connections", "Live connections of each enabled port forward.", sample?.PortForwards, sample, forwards);
        Connections(text, "gateway_pinhole_connections", "Live connections of each enabled IPv6 pinhole.", sample?.Pinholes, sample, pinholes);
        Connections(text, "gateway_one_to_one_connections", "Live connections of each enabled 1:1 NAT entry.", sample?.OneToOne, sample, oneToOne);
        text.Family("gateway_upnp_mappings", "gauge", "Live UPnP / NAT-PMP / PCP mappings (while UPnP is on).");
        if (sample?.UpnpMappings is { } mappings)
        {
            text.Sample("gateway_upnp_mappings", mappings);
        }

        text.Family("gateway_upnp_connections", "gauge", "Live connections the UPnP mappings carry (while UPnP is on).");
        if (sample?.UpnpConnections is { } upnpConnections)
        {
            text.Sample("gateway_upnp_connections", upnpConnections);
        }
    }

    /// <summary>One sample per enabled item (0 when the agent counted none), none at all without a sample.</summary>
    private static void Connections(PrometheusText text, string name, string help, IReadOnlyList<ForwardConnections>? counts, ConntrackSample? sample, List<Named> items)
    {
        text.Family(name, "gauge", help);
        if (sample is null)
        {
            return;
        }

        var byId = new Dictionary<int, long>();
        foreach (var entry in counts ?? [])
        {
            byId.TryAdd(entry.Id, entry.Connections);
        }

        foreach (var item in items)
        {
            text.Sample(name, byId.GetValueOrDefault(item.Id), Labels(item));
        }
    }

    private static void WriteRuleHits(PrometheusText text, IReadOnlyDictionary<int, RuleHits>? hits, List<Named> rules)
    {
        text.Family("gateway_rule_hits_packets_total", "counter", "Packets each traffic rule matched (its kernel counter; kept across applies and agent restarts).");
        if (hits is not null)
        {
            foreach (var rule in rules)
            {
                if (hits.TryGetValue(rule.Id, out var hit))
                {
                    text.Sample("gateway_rule_hits_packets_total", hit.Packets, Labels(rule));
                }
            }
        }

        text.Family("gateway_rule_hits_bytes_total", "counter", "Bytes each traffic rule matched (its kernel counter; kept across applies and agent restarts).");
        if (hits is not null)
        {
            foreach (var rule in rules)
            {
                if (hits.TryGetValue(rule.Id, out var hit))
                {
                    text.Sample("gateway_rule_hits_bytes_total", hit.Bytes, Labels(rule));
                }
            }
        }
    }

    private static void WriteQuotaUse(PrometheusText text, IReadOnlyDictionary<int, long>? used, List<Named> rules)
    {
        // A gauge: reset-quota takes it back to 0.
        text.Family("gateway_rule_quota_used_bytes", "gauge", "Bytes each traffic rule's quota has counted (kept across applies; back to 0 when reset).");
        if (used is not null)
        {
            foreach (var rule in rules)
            {
                if (used.TryGetValue(rule.Id, out var bytes))
                {
                    text.Sample("gateway_rule_quota_used_bytes", bytes, Labels(rule));
                }
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, long>> Sorted(IReadOnlyDictionary<string, long>? values) =>
        values is null ? [] : values.OrderBy(p => p.Key, StringComparer.Ordinal);

    private static (string, string)[] Labels(Named item) => [("id", item.Id.ToString(CultureInfo.InvariantCulture)), ("name", item.Name)];

    private sealed record Named(int Id, string Name);
}

using Gateway.Shared.Protocol;
using Gateway.Web.AgentLink;
using Gateway.Web.State;

namespace Gateway.Web.Metrics;

/// <summary>The uplink's figures, asked of the agent at each scrape (absent while it is away or does not answer).</summary>
public sealed partial class MetricsRenderer
{
    private static readonly TimeSpan WanStatusTimeout = TimeSpan.FromSeconds(2);

    private async Task WriteWanAsync(PrometheusText text, bool connected, CancellationToken ct)
    {
        WanStatusReply? wan = null;
        if (connected)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(WanStatusTimeout);
            try
            {
                wan = await link.GetWanStatusAsync(timeout.Token);
            }
            catch (AgentUnavailableException)
            {
                // Unknown, not down: the families stay empty.
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // An agent too old to answer, or busy: the same.
            }
        }

        text.Family("gateway_wan_up", "gauge", "1 while the WAN link is up with an IPv4 address, else 0.");
        if (wan is not null)
        {
            text.Sample("gateway_wan_up", wan.Status.Up ? 1 : 0);
        }

        text.Family("gateway_wan_lease_expiry_timestamp_seconds", "gauge", "When the WAN's DHCPv4 lease ends, in Unix seconds (dhcp mode with a lease only).");
        if (wan?.Status.LeaseExpiresAt is { } expiry)
        {
            text.Sample("gateway_wan_lease_expiry_timestamp_seconds", expiry.ToUnixTimeSeconds());
        }

        text.Family("gateway_wan_changes_total", "counter", "Uplink changes the agent saw since it started, by kind (address, renewal, prefix, client-restart).");
        foreach (var change in wan?.Changes ?? [])
        {
            text.Sample("gateway_wan_changes_total", change.Count, ("kind", change.Kind));
        }
    }
}

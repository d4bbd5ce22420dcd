namespace Gateway.Web.Metrics;

/// <summary>Per-device traffic and connections, from the device recorder (the totals are remembered across restarts).</summary>
public sealed partial class MetricsRenderer
{
    private async Task WriteDevicesAsync(PrometheusText text, bool connected, CancellationToken ct)
    {
        var rows = devices is null ? [] : await devices.LoadAsync(ct);
        text.Family("gateway_device_bytes_total", "counter", "IP bytes the router forwarded for each LAN device since it was first seen, by direction (rx towards the device, tx from it).");
        foreach (var row in rows)
        {
            text.Sample("gateway_device_bytes_total", row.State.RxBytes, ("mac", row.Mac), ("name", row.Name ?? string.Empty), ("direction", "rx"));
            text.Sample("gateway_device_bytes_total", row.State.TxBytes, ("mac", row.Mac), ("name", row.Name ?? string.Empty), ("direction", "tx"));
        }

        // Live figures: absent while the agent is away.
        text.Family("gateway_device_connections", "gauge", "Tracked connections of each LAN device now.");
        if (connected)
        {
            foreach (var row in rows)
            {
                text.Sample("gateway_device_connections", row.State.Connections, ("mac", row.Mac), ("name", row.Name ?? string.Empty));
            }
        }

        text.Family("gateway_device_accounting_resyncs_total", "counter", "Fresh conntrack dumps the agent made after the kernel dropped events (ENOBUFS), since it started.");
        if (connected && devices?.Resyncs is { } resyncs)
        {
            text.Sample("gateway_device_accounting_resyncs_total", resyncs);
        }
    }
}

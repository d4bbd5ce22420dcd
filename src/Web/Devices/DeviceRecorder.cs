using Gateway.Shared.Protocol;
using Gateway.Web.AgentLink;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gateway.Web.Devices;

/// <summary>
/// Remembers the LAN's devices and their traffic. Every <see cref="DeviceOptions.PollInterval"/> it asks the agent
/// for its devices frame and adds the growth of each MAC's byte totals since the last reading (same agent epoch;
/// a new epoch starts from 0) to the device's totals and to its hour and day buckets. Every
/// <see cref="DeviceOptions.FlushInterval"/>, and when the web stops, it writes totals, buckets and the agent
/// reading they correspond to in one transaction, so a restarted web picks up exactly where the stored totals end.
/// </summary>
public sealed partial class DeviceRecorder(
    AgentClient agent,
    IDbContextFactory<GatewayDbContext> factory,
    IOptions<DeviceOptions> options,
    TimeProvider time,
    ILogger<DeviceRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TrafficTally _pending = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Start, long Rx, long Tx)> _today = new(StringComparer.Ordinal);
    private Dictionary<string, DeviceEntity>? _devices;
    private IReadOnlyDictionary<string, Live> _live = new Dictionary<string, Live>();
    private DateTimeOffset _lastPoll = DateTimeOffset.MinValue;
    private DateTimeOffset _lastFlush;

    /// <summary>After each poll that reached the agent (on a pool thread).</summary>
    public event Action? Changed;

    /// <summary>The agent's count of conntrack resyncs after lost events (ENOBUFS), from its last answer.</summary>
    public long? Resyncs { get; private set; }

    /// <summary>Every device, freshly polled when the last poll is more than a second old and the agent is there.</summary>
    public async Task<IReadOnlyList<DeviceState>> DevicesAsync(CancellationToken ct = default)
    {
        if (time.GetUtcNow() - _lastPoll > Fresh && agent.Connected)
        {
            await TryPollAsync(ct);
        }

        await _gate.WaitAsync(ct);
        try
        {
            var devices = await LoadedAsync(ct);
            var today = TrafficBuckets.Start(TrafficBuckets.Day, time.GetUtcNow());
            return [.. devices.Values.OrderBy(d => d.Mac, StringComparer.Ordinal).Select(d => State(d, today))];
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One device's buckets (stored and pending), oldest first; null when the MAC was never seen.</summary>
    public async Task<IReadOnlyList<TrafficPoint>?> TrafficAsync(string mac, string bucket, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(mac);
        await _gate.WaitAsync(ct);
        try
        {
            if (!(await LoadedAsync(ct)).ContainsKey(mac))
            {
                return null;
            }

            var now = time.GetUtcNow();
            var oldest = TrafficBuckets.OldestKept(bucket, now);
            await using var db = await factory.CreateDbContextAsync(ct);
            var stored = await db.DeviceTraffic.AsNoTracking()
                .Where(t => t.Mac == mac && t.Bucket == bucket && t.Start >= oldest)
                .Select(t => new { t.Start, t.RxBytes, t.TxBytes })
                .ToListAsync(ct);
            return _pending.Merge(mac, bucket, stored.Select(s => (s.Start, s.RxBytes, s.TxBytes)), now);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _lastFlush = time.GetUtcNow();
        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        try
        {
            do
            {
                if (agent.Connected)
                {
                    await TryPollAsync(stoppingToken);
                }

                if (time.GetUtcNow() - _lastFlush >= options.Value.FlushInterval)
                {
                    await FlushAsync(stoppingToken);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
        {
            // The host is past its services (or its stop timeout): the last flush (at most a minute ago) stands.
        }
    }

    /// <summary>Writes what is pending now (totals, buckets, the agent reading) and drops buckets past their keep.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_devices is null)
            {
                return;
            }

            var now = time.GetUtcNow();
            await using var db = await factory.CreateDbContextAsync(ct);
            var dirty = _dirty.ToList();
            var stored = await db.Devices.Where(d => dirty.Contains(d.Mac)).ToDictionaryAsync(d => d.Mac, StringComparer.Ordinal, ct);
            foreach (var mac in dirty)
            {
                var device = _devices[mac];
                if (stored.TryGetValue(mac, out var row))
                {
                    db.Entry(row).CurrentValues.SetValues(device);
                }
                else
                {
                    db.Devices.Add(Copy(device));
                }
            }

            foreach (var ((mac, bucket, start), (rx, tx)) in _pending.Pending)
            {
                var row = await db.DeviceTraffic.FindAsync([mac, bucket, start], ct);
                if (row is null)
                {
                    db.DeviceTraffic.Add(new DeviceTrafficEntity { Mac = mac, Bucket = bucket, Start = start, RxBytes = rx, TxBytes = tx });
                }
                else
                {
                    row.RxBytes += rx;
                    row.TxBytes += tx;
                }
            }

            await db.SaveChangesAsync(ct);
            _pending.Clear();
            _dirty.Clear();
            _lastFlush = now;
            var hours = TrafficBuckets.OldestKept(TrafficBuckets.Hour, now);
            var days = TrafficBuckets.OldestKept(TrafficBuckets.Day, now);
            await db.DeviceTraffic.Where(t => (t.Bucket == TrafficBuckets.Hour && t.Start < hours) || (t.Bucket == TrafficBuckets.Day && t.Start < days)).ExecuteDeleteAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            LogFlushFailed(ex.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task TryPollAsync(CancellationToken ct)
    {
        try
        {
            var reply = await agent.GetDevicesAsync(ct);
            await _gate.WaitAsync(ct);
            try
            {
                Record(reply, await LoadedAsync(ct));
            }
            finally
            {
                _gate.Release();
            }

            Changed?.Invoke();
        }
        catch (AgentUnavailableException)
        {
            // The totals wait for the agent; its epoch tells the next reading apart.
        }
    }

    private void Record(DevicesReply reply, Dictionary<string, DeviceEntity> devices)
    {
        var now = time.GetUtcNow();
        _lastPoll = now;
        Resyncs = reply.Resyncs;
        var addresses = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        var online = new HashSet<string>(StringComparer.Ordinal);
        foreach (var neighbour in reply.Neighbours)
        {
            var mac = neighbour.Mac.ToLowerInvariant();
            online.Add(mac);
            Addresses(addresses, mac).Add(neighbour.Address);
        }

        var hostNames = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var lease in reply.Leases)
        {
            var mac = lease.Mac.ToLowerInvariant();
            hostNames[mac] = lease.Hostname;
            if (online.Contains(mac))
            {
                Addresses(addresses, mac).Add(lease.Address);
            }
            else
            {
                addresses.TryAdd(mac, []);
            }
        }

        var counters = reply.Devices.ToDictionary(c => c.Mac.ToLowerInvariant(), StringComparer.Ordinal);
        foreach (var (mac, counter) in counters)
        {
            if (counter.Connections > 0)
            {
                online.Add(mac);
            }

            addresses.TryAdd(mac, []);
        }

        var day = TrafficBuckets.Start(TrafficBuckets.Day, now);
        foreach (var mac in addresses.Keys)
        {
            if (!devices.TryGetValue(mac, out var device))
            {
                device = new DeviceEntity { Mac = mac, FirstSeen = now, LastSeen = now };
                devices[mac] = device;
                _dirty.Add(mac);
            }

            if (online.Contains(mac))
            {
                device.LastSeen = now;
                _dirty.Add(mac);
            }

            if (hostNames.GetValueOrDefault(mac) is { Length: > 0 } host && host != device.HostName)
            {
                device.HostName = host.Length > 63 ? host[..63] : host;
                _dirty.Add(mac);
            }

            if (counters.TryGetValue(mac, out var counter))
            {
                var same = device.AgentEpoch == reply.Epoch;
                var rx = same ? Math.Max(0, counter.RxBytes - device.AgentRxBytes) : counter.RxBytes;
                var tx = same ? Math.Max(0, counter.TxBytes - device.AgentTxBytes) : counter.TxBytes;
                device.AgentEpoch = reply.Epoch;
                device.AgentRxBytes = counter.RxBytes;
                device.AgentTxBytes = counter.TxBytes;
                device.RxBytes += rx;
                device.TxBytes += tx;
                _pending.Add(mac, now, rx, tx);
                var today = _today.GetValueOrDefault(mac);
                _today[mac] = today.Start == day ? (day, today.Rx + rx, today.Tx + tx) : (day, rx, tx);
                _dirty.Add(mac);
            }
        }

        _live = addresses.ToDictionary(
            a => a.Key,
            a => new Live([.. a.Value], online.Contains(a.Key), counters.GetValueOrDefault(a.Key)),
            StringComparer.Ordinal);
    }

    private DeviceState State(DeviceEntity device, long today)
    {
        var live = _live.GetValueOrDefault(device.Mac);
        var bytes = _today.GetValueOrDefault(device.Mac);
        var (todayRx, todayTx) = bytes.Start == today ? (bytes.Rx, bytes.Tx) : (0, 0);
        return new DeviceState(
            device.Mac,
            device.HostName,
            device.FirstSeen,
            device.LastSeen,
            device.RxBytes,
            device.TxBytes,
            todayRx,
            todayTx,
            live?.Addresses ?? [],
            live?.Online ?? false,
            live?.Counters?.Connections ?? 0,
            live?.Counters?.RxBps ?? 0,
            live?.Counters?.TxBps ?? 0);
    }

    /// <summary>The remembered devices, read from the database on first use (with today's daily buckets).</summary>
    private async Task<Dictionary<string, DeviceEntity>> LoadedAsync(CancellationToken ct)
    {
        if (_devices is not null)
        {
            return _devices;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        var devices = await db.Devices.AsNoTracking().ToDictionaryAsync(d => d.Mac, StringComparer.Ordinal, ct);
        var day = TrafficBuckets.Start(TrafficBuckets.Day, time.GetUtcNow());
        foreach (var row in await db.DeviceTraffic.AsNoTracking().Where(t => t.Bucket == TrafficBuckets.Day && t.Start == day).ToListAsync(ct))
        {
            _today[row.Mac] = (day, row.RxBytes, row.TxBytes);
        }

        _devices = devices;
        return devices;
    }

    private static SortedSet<string> Addresses(Dictionary<string, SortedSet<string>> addresses, string mac)
    {
        if (!addresses.TryGetValue(mac, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            addresses[mac] = set;
        }

        return set;
    }

    private static DeviceEntity Copy(DeviceEntity device) => new()
    {
        Mac = device.Mac,
        HostName = device.HostName,
        FirstSeen = device.FirstSeen,
        LastSeen = device.LastSeen,
        RxBytes = device.RxBytes,
        TxBytes = device.TxBytes,
        AgentEpoch = device.AgentEpoch,
        AgentRxBytes = device.AgentRxBytes,
        AgentTxBytes = device.AgentTxBytes,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device traffic could not be stored: {Error}; trying again at the next flush")]
    private partial void LogFlushFailed(string error);

    private sealed record Live(IReadOnlyList<string> Addresses, bool Online, DeviceCounters? Counters);
}

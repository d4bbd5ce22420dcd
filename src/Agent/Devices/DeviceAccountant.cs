using System.Collections.Frozen;
using System.Diagnostics;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Gateway.Agent.Connections;
using Gateway.Agent.Links;
using Gateway.Agent.Netlink;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Devices;

/// <summary>
/// Per-device traffic from conntrack accounting (<see cref="DeviceLedger"/>): one thread listens to DESTROY events
/// (the final counters of ended connections) and dumps the table every <see cref="MinDumpInterval"/>, or less often
/// when a dump is slow (at most <see cref="Conntrack.ConntrackSampler.DumpShare"/> of the time). When the kernel
/// drops events (ENOBUFS) it dumps afresh at once and counts a resync. Connections with the router itself are not
/// counted: the totals are what crossed the router for a device.
/// </summary>
public sealed partial class DeviceAccountant(RulesetManager rulesets, ILogger<DeviceAccountant> logger, Lan.DnsmasqSupervisor? dnsmasq = null) : BackgroundService
{
    public static readonly TimeSpan MinDumpInterval = TimeSpan.FromSeconds(2);

    /// <summary>The rates cover about this much time.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);

    // NFNLGRP_CONNTRACK_DESTROY.
    private const int GroupDestroy = 3;
    private const int EventBuffer = 8 * 1024 * 1024;
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    private readonly DeviceLedger _ledger = new();
    private readonly Queue<(TimeSpan At, FrozenDictionary<string, DeviceBytes> Totals)> _history = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private DeviceMap _devices = DeviceMap.From([], []);
    private HashSet<(byte, UInt128)> _own = [];
    private volatile IReadOnlyList<DeviceCounters> _counters = [];
    private Dictionary<string, long> _connections = new(StringComparer.Ordinal);
    private long _resyncs;

    /// <summary>New at every start: the totals of one epoch only grow.</summary>
    public string Epoch { get; } = Guid.NewGuid().ToString("N");

    /// <summary>How often lost events made a fresh dump necessary.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>Per MAC: connections now, bytes since start, the rate over the last ~10 s.</summary>
    public IReadOnlyList<DeviceCounters> Counters() => _counters;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                ConntrackSwitches.TurnOn();
                using var events = new NetlinkSocket();
                events.ForceReceiveBuffer(EventBuffer);
                events.Subscribe(1u << (GroupDestroy - 1));
                events.SetReceiveTimeout(Poll);
                using var dumps = new NetlinkSocket();
                Loop(events, dumps, stoppingToken);
            }
            catch (NetlinkException ex)
            {
                if (ex.Message != lastError)
                {
                    LogFailed(ex.Message);
                    lastError = ex.Message;
                }

                stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
            }
        }
    }

    private void Loop(NetlinkSocket events, NetlinkSocket dumps, CancellationToken stoppingToken)
    {
        var nextDump = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (_clock.Elapsed >= nextDump)
            {
                var began = _clock.Elapsed;
                Dump(dumps);
                var took = _clock.Elapsed - began;
                nextDump = began + TimeSpan.FromTicks(Math.Max(MinDumpInterval.Ticks, (long)(took.Ticks / Conntrack.ConntrackSampler.DumpShare)));
            }

            try
            {
                var batch = events.ReceiveEvents();
                if (!batch.IsEmpty)
                {
                    Destroyed(batch);
                    Publish(_connections, null);
                }
            }
            catch (NetlinkException ex) when (ex.Errno == Errno.ENoBufs)
            {
                // Final counters were lost: a fresh dump now brings every live connection up to date.
                Interlocked.Increment(ref _resyncs);
                LogResync();
                nextDump = TimeSpan.Zero;
            }
        }
    }

    private void Dump(NetlinkSocket socket)
    {
        ConntrackSwitches.TurnOn();
        var lan = rulesets.AppliedConfig?.Network.LanInterface;
        _devices = DeviceMap.From(NeighbourTable.Read().Where(n => lan is null || n.Interface == lan), dnsmasq?.Leases() ?? []);
        _own = OwnAddresses();
        var connections = new Dictionary<string, long>(StringComparer.Ordinal);
        _ledger.BeginDump(NowNs());
        try
        {
            socket.Request(Nl.CtMsgGet, Nl.FlagRequest | Nl.FlagDump, [], (batch, sequence) =>
                NetlinkWalk.WalkNfnetlink(batch, sequence, (type, family, attributes) =>
                {
                    if (type != Nl.CtType(Nl.CtMsgNew))
                    {
                        return;
                    }

                    var entry = ConnectionEntry.Parse(family, attributes);
                    if (_devices.Of(entry, out var original) is not { } mac)
                    {
                        return;
                    }

                    connections[mac] = connections.GetValueOrDefault(mac) + 1;
                    _ledger.Seen(entry.Id, IsLocal(entry) ? null : mac, original, entry.OriginalBytes, entry.ReplyBytes);
                }));
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
        {
            // An interrupted dump: what it read is counted; the next one completes the picture.
            LogDumpFailed(ex.Message);
            return;
        }

        _ledger.EndDump();
        _connections = connections;
        Publish(connections, _clock.Elapsed);
    }

    /// <summary>Each DESTROY message of a batch of events.</summary>
    private void Destroyed(ReadOnlySpan<byte> batch) =>
        NetlinkWalk.WalkNfnetlink(batch, 0, (type, family, attributes) =>
        {
            if (type != Nl.CtType(Nl.CtMsgDelete))
            {
                return;
            }

            var entry = ConnectionEntry.Parse(family, attributes);
            var mac = _devices.Of(entry, out var original);
            _ledger.Destroyed(entry.Id, entry.StartNs, mac is null || IsLocal(entry) ? null : mac, original, entry.OriginalBytes, entry.ReplyBytes);
        });

    /// <summary>Publishes the counters; <paramref name="dumpedAt"/> (after a dump) also records the totals for the rates.</summary>
    private void Publish(Dictionary<string, long> connections, TimeSpan? dumpedAt)
    {
        var totals = _ledger.Totals;
        if (dumpedAt is { } at)
        {
            _history.Enqueue((at, totals.ToFrozenDictionary(StringComparer.Ordinal)));
            // Keep the newest reading at least a window old as the base of the rates.
            while (_history.Count > 2 && _history.ElementAt(1).At <= at - RateWindow)
            {
                _history.Dequeue();
            }
        }

        var (baseAt, baseTotals) = _history.Count > 0 ? _history.Peek() : (TimeSpan.Zero, FrozenDictionary<string, DeviceBytes>.Empty);
        var (lastAt, lastTotals) = _history.Count > 0 ? _history.Last() : (TimeSpan.Zero, FrozenDictionary<string, DeviceBytes>.Empty);
        var seconds = (lastAt - baseAt).TotalSeconds;
        var macs = totals.Keys.Union(connections.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);
        _counters = [.. macs.Select(mac =>
        {
            var now = totals.GetValueOrDefault(mac);
            var (rx, tx) = seconds > 0 ? Rate(baseTotals.GetValueOrDefault(mac), lastTotals.GetValueOrDefault(mac), seconds) : (0, 0);
            return new DeviceCounters(mac, connections.GetValueOrDefault(mac), (long)now.Rx, (long)now.Tx, rx, tx);
        })];
    }

    private static (long Rx, long Tx) Rate(DeviceBytes from, DeviceBytes to, double seconds) =>
        ((long)((to.Rx - Math.Min(from.Rx, to.Rx)) / seconds), (long)((to.Tx - Math.Min(from.Tx, to.Tx)) / seconds));

    /// <summary>A connection the router itself holds an end of (its own address is a source): not forwarded traffic.</summary>
    private bool IsLocal(in ConnectionEntry entry) =>
        _own.Contains((entry.Family, entry.OriginalSource.Address)) || _own.Contains((entry.Family, entry.ReplySource.Address));

    private static HashSet<(byte, UInt128)> OwnAddresses()
    {
        var own = new HashSet<(byte, UInt128)>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var family = unicast.Address.AddressFamily == AddressFamily.InterNetworkV6 ? Nl.AfInet6 : Nl.AfInet;
                own.Add((family, ConnectionEntry.AddressOf(unicast.Address.GetAddressBytes())));
            }
        }

        return own;
    }

    private static ulong NowNs() => (ulong)(DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device accounting: {Error}; trying again in 5 s")]
    private partial void LogFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device accounting: conntrack dump failed ({Error}); the next one catches up")]
    private partial void LogDumpFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device accounting: conntrack events were lost (ENOBUFS); dumping the table afresh")]
    private partial void LogResync();
}

using System.Buffers.Binary;
using System.Diagnostics;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;
using Gateway.Agent.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Links;

/// <summary>
/// Keeps MAC pinholes current between applies: listens to rtnetlink neighbour events (RTNLGRP_NEIGH) and, shortly
/// after any IPv6 neighbour appears, changes state or goes, has <see cref="RulesetManager"/> bring the
/// <c>ph_mac_&lt;id&gt;</c> sets up to date. Every <see cref="FullInterval"/> it rewrites them all, healing events
/// the kernel dropped (ENOBUFS) or that came while a write failed.
/// </summary>
public sealed partial class NeighbourWatcher(RulesetManager rulesets, ILogger<NeighbourWatcher> logger) : BackgroundService
{
    public static readonly TimeSpan FullInterval = TimeSpan.FromSeconds(30);

    // Events come in bursts (one host: NEWNEIGH for each of its addresses); one pass after a short quiet serves all.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest a change waits for its pass while events keep coming: an address that stops resolving to a MAC
    /// pinhole's MAC leaves its set within this (plus one pass) however busy the neighbour table is.
    /// </summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var socket = new NetlinkSocket(Rtnl.NetlinkRoute);
                socket.Subscribe(1u << (Rtnl.GroupNeighbour - 1));
                socket.SetReceiveTimeout(Settle);
                Watch(socket, full => Sync(full, stoppingToken), stoppingToken);
            }
            catch (NetlinkException ex)
            {
                if (ex.Message != lastError)
                {
                    LogFailed(ex.Message);
                    lastError = ex.Message;
                }

                // Without events the sets still follow the table, just later.
                if (!stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(5)))
                {
                    Sync(full: true, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// The event loop over a subscribed socket with a receive timeout: <paramref name="sync"/>(false) once a burst
    /// of IPv6 neighbour events has gone quiet or, while they keep coming, <see cref="MaxDelay"/> after the first
    /// one not synced yet; (true) every <see cref="FullInterval"/> and after lost events.
    /// </summary>
    public static void Watch(NetlinkSocket socket, Action<bool> sync, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(sync);
        var clock = Stopwatch.StartNew();
        var sinceFull = TimeSpan.Zero;
        var debounce = new SyncDebounce(MaxDelay);
        while (!stoppingToken.IsCancellationRequested)
        {
            bool quiet;
            try
            {
                var batch = socket.ReceiveEvents();
                quiet = batch.IsEmpty;
                if (TouchesIpv6(batch))
                {
                    debounce.Changed(clock.Elapsed);
                }
            }
            catch (NetlinkException ex) when (ex.Errno == Errno.ENoBufs)
            {
                // Events were lost: only a full pass knows the truth.
                debounce.Clear();
                sinceFull = clock.Elapsed;
                sync(true);
                continue;
            }

            if (clock.Elapsed - sinceFull >= FullInterval)
            {
                sinceFull = clock.Elapsed;
                debounce.Clear();
                sync(true);
            }
            else if (debounce.Due(clock.Elapsed, quiet))
            {
                sync(false);
            }
        }
    }

    private void Sync(bool full, CancellationToken stoppingToken) =>
        rulesets.SyncPinholesAsync(full, stoppingToken).GetAwaiter().GetResult();

    /// <summary>Whether a batch of rtnetlink messages holds an IPv6 RTM_NEWNEIGH or RTM_DELNEIGH.</summary>
    public static bool TouchesIpv6(ReadOnlySpan<byte> batch)
    {
        while (batch.Length >= 16)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(batch);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(batch[4..]);
            if (length < 16 || length > batch.Length)
            {
                return false;
            }

            if (type is Rtnl.NewNeighbour or Rtnl.DeleteNeighbour && length > 16 && batch[16] == Rtnl.AfInet6)
            {
                return true;
            }

            var aligned = NetlinkAttributeReader.Align(length);
            batch = aligned >= batch.Length ? [] : batch[aligned..];
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Neighbour events: {Error}; MAC pinholes follow the neighbour table every 5 s meanwhile")]
    private partial void LogFailed(string error);
}

using System.Threading.Channels;
using Gateway.Agent.Interop;
using Gateway.Agent.Nft;
using Gateway.Agent.Processes;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Upnp;

/// <summary>
/// Runs the router's one miniupnpd as a child of the agent, with its files in <c>&lt;StateDir&gt;/upnp</c>: after every
/// apply renders its configuration, restarts it when that changed, and stops it (and forgets its leases) when UPnP
/// is off. The apply that turns UPnP on declares its chains first, so miniupnpd always finds them; the apply that
/// turns it off removes them with every mapping. A miniupnpd that dies is started again after a growing back-off; one
/// left running by an agent that was killed is stopped by its pid file before a new one starts. Debian's start
/// and stop scripts are never run (they create <c>table inet filter</c> with a drop policy).
/// </summary>
public sealed partial class MiniupnpdSupervisor(AgentOptions options, ILogger<MiniupnpdSupervisor> logger) : BackgroundService
{
    public const string DefaultBinary = "/usr/sbin/miniupnpd";

    private const string Daemon = "miniupnpd";

    private readonly string _directory = Path.Combine(options.StateDir, "upnp");
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Lock _mappingsLock = new();
    private readonly Dictionary<(string Id, DateTimeOffset? Expires), DateTimeOffset> _seen = [];
    private readonly HashSet<string> _shadowLogged = [];
    private int _count;
    private long _countReadAt = long.MinValue / 2;
    private GatewayConfig? _desired;
    private GatewayConfig? _served;
    private bool _told;

    /// <summary>How often mappings past the lease limit are removed.</summary>
    public TimeSpan SweepPeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The binary (a test may point it elsewhere); Debian's <c>miniupnpd-nftables</c> by default.</summary>
    public string Binary { get; init; } = DefaultBinary;

    private string ConfFile => Path.Combine(_directory, "miniupnpd.conf");

    private string LeaseFile => Path.Combine(_directory, "leases");

    private string PidFile => Path.Combine(_directory, "miniupnpd.pid");

    /// <summary>Asks for <paramref name="config"/>'s UPnP (null or off: none); returns at once, the work is done in the background.</summary>
    public void Serve(GatewayConfig? config)
    {
        lock (_wake)
        {
            _desired = config;
            _told = true;
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>The live mappings: miniupnpd's dnat rules in the table, described from its lease file.</summary>
    public IReadOnlyList<UpnpMapping> Mappings()
    {
        lock (_mappingsLock)
        {
            if (Volatile.Read(ref _served) is not { } served)
            {
                return [];
            }

            var read = UpnpMappings.Read(ListChain(MiniupnpdConfig.DstnatChain) ?? string.Empty, ReadLeases());
            return UpnpMappings.Capped(read, _seen, served.Upnp.LeaseSeconds, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>
    /// How many mappings are live, for the once-a-second conntrack frame and /metrics. Listing the chain and reading
    /// the lease file every second would cost more than a count is worth, so it is read again at most every
    /// <see cref="CountRefresh"/>; a deletion through <see cref="Delete"/> reads it again at once.
    /// </summary>
    public int MappingCount()
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _countReadAt) >= (long)CountRefresh.TotalMilliseconds)
        {
            Volatile.Write(ref _count, Mappings().Count);
            Interlocked.Exchange(ref _countReadAt, now);
        }

        return Volatile.Read(ref _count);
    }

    /// <summary>How stale <see cref="MappingCount"/> may be.</summary>
    public static readonly TimeSpan CountRefresh = TimeSpan.FromSeconds(5);

    /// <summary>Removes the mappings past their (capped) expiry that miniupnpd keeps: IGD mappings it gave a week.</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepPeriod);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = DateTimeOffset.UtcNow;
            var mappings = Mappings();
            if (Volatile.Read(ref _served) is { } served)
            {
                // Said once per mapping: the owner's forward keeps the port, the client believes it has it.
                foreach (var shadowed in UpnpMappings.Shadowed(mappings, served.PortForwards).Where(m => _shadowLogged.Add(m.Id)))
                {
                    LogShadowed(shadowed.Id, shadowed.Client);
                }
            }

            foreach (var mapping in mappings.Where(m => m.ExpiresAt is { } expires && expires < now))
            {
                if (Delete(mapping.Id, _ => { }))
                {
                    LogExpired(mapping.Id);
                }
            }
        }
    }

    /// <summary>
    /// Removes one mapping: its lease line first (so a miniupnpd restart can't bring it back), then its dnat and filter
    /// rules in one transaction (miniupnpd reads its mappings back from the chains, so it forgets it), then its
    /// connections through <paramref name="cut"/>. False when no such mapping is live.
    /// </summary>
    public bool Delete(string id, Action<MappingRule> cut)
    {
        ArgumentNullException.ThrowIfNull(cut);
        if (!UpnpMappingId.TryParse(id, out var protocol, out var externalPort))
        {
            return false;
        }

        MappingRule? rule;
        lock (_mappingsLock)
        {
            rule = UpnpMappings.Rules(ListChain(MiniupnpdConfig.DstnatChain) ?? string.Empty)
                .FirstOrDefault(r => r.Protocol == protocol && r.ExternalPort == externalPort);
            if (rule is null)
            {
                return false;
            }

            WriteLeases(UpnpMappings.WithoutLease(ReadLeases(), protocol, externalPort));
            var forward = UpnpMappings.ForwardHandles(ListChain(MiniupnpdConfig.ForwardChain) ?? string.Empty, rule);
            var script = string.Join('\n', forward.Select(h => DeleteRule(MiniupnpdConfig.ForwardChain, h)).Prepend(DeleteRule(MiniupnpdConfig.DstnatChain, rule.Handle)));
            var result = NftApplier.Run(script);
            if (!result.Ok)
            {
                LogDeleteFailed(id, result.Error);
                return false;
            }
        }

        LogDeleted(id, rule.InternalAddress, rule.InternalPort);
        Interlocked.Exchange(ref _countReadAt, long.MinValue / 2);
        cut(rule);
        return true;
    }

    private static string DeleteRule(string chain, long handle) => $"delete rule inet {RulesetCompiler.TableName} {chain} handle {handle}";

    private static string? ListChain(string chain)
    {
        var result = NftApplier.Run($"list chain inet {RulesetCompiler.TableName} {chain}", LibNftables.OutputStateless | LibNftables.OutputHandle);
        return result.Ok ? result.Output : null;
    }

    private List<string> ReadLeases()
    {
        try
        {
            return File.Exists(LeaseFile) ? UpnpMappings.LeaseLines(File.ReadAllText(LeaseFile)) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private void WriteLeases(IEnumerable<string> lines)
    {
        var temporary = LeaseFile + ".tmp";
        File.WriteAllLines(temporary, lines);
        File.Move(temporary, LeaseFile, overwrite: true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChildProcess? child = null;
        string? running = null;
        var backOff = new RestartBackOff();
        var sweeper = SweepAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var exited = child?.Exited ?? Task.Delay(Timeout.Infinite, stoppingToken);
                await Task.WhenAny(_wake.Reader.WaitToReadAsync(stoppingToken).AsTask(), exited).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                _wake.Reader.TryRead(out _);
                if (child is { HasExited: true })
                {
                    var wait = backOff.AfterExit(child.RunningFor);
                    logger.ChildDied(Daemon, child.ExitCode, wait.TotalSeconds);
                    await child.DisposeAsync().ConfigureAwait(false);
                    child = null;
                    running = null;
                    await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
                }

                GatewayConfig? config;
                lock (_wake)
                {
                    if (!_told)
                    {
                        continue;
                    }

                    config = _desired;
                }

                string? conf;
                try
                {
                    conf = config is null ? null : MiniupnpdConfig.Render(config, LeaseFile, Uuid());
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    LogRenderFailed(ex.Message);
                    continue;
                }

                Volatile.Write(ref _served, conf is null ? null : config);
                if (conf == running && (child is not null || conf is null))
                {
                    continue;
                }

                if (child is not null)
                {
                    await child.DisposeAsync().ConfigureAwait(false);
                }

                child = null;
                running = null;
                if (conf is null)
                {
                    // Off: its chains went with the apply; its leases must not come back when it is turned on again.
                    TryDelete(LeaseFile);
                    continue;
                }

                try
                {
                    Directory.CreateDirectory(_directory); // under the 0700 state directory
                    // A miniupnpd an earlier agent started (it was killed, its child was not) holds the pid file.
                    if (await LeftoverProcess.StopAsync(PidFile, Binary).ConfigureAwait(false) is { } leftover)
                    {
                        LogLeftOverStopped(leftover);
                    }

                    await File.WriteAllTextAsync(ConfFile, conf, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogWriteFailed(_directory, ex.Message);
                    continue;
                }

                child = Start();
                running = child is null ? null : conf;
                if (child is null)
                {
                    await Task.Delay(backOff.AfterFailedStart(), stoppingToken).ConfigureAwait(false);
                    _wake.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: miniupnpd stops below; its rules stay in the table for the next agent (SIGTERM leaves them).
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync().ConfigureAwait(false);
            }

            try
            {
                await sweeper.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>This router's UPnP device UUID: made once, kept in the directory, so clients see the same device.</summary>
    private Guid Uuid()
    {
        var path = Path.Combine(_directory, "uuid");
        if (File.Exists(path) && Guid.TryParse(File.ReadAllText(path).Trim(), out var known))
        {
            return known;
        }

        Directory.CreateDirectory(_directory); // under the 0700 state directory
        var uuid = Guid.NewGuid();
        File.WriteAllText(path, uuid.ToString("D"));
        return uuid;
    }

    private ChildProcess? Start()
    {
        // Our file, in the foreground with its log on stderr (-d), and our own pid file: the default one would stop
        // a second miniupnpd in any namespace.
        string[] arguments = ["-f", ConfFile, "-P", PidFile, "-d"];
        var child = ChildProcess.TryStart(Binary, arguments, Output, ownProcessGroup: false, out var error);
        if (child is null)
        {
            logger.ChildStartFailed(Daemon, Binary, error);
        }
        else
        {
            LogStarted(child.Id, string.Join(' ', arguments));
        }

        return child;
    }

    // -d logs every SSDP and SOAP exchange at debug level: only what says something goes to the agent's log.
    private void Output(string line)
    {
        if (!line.Contains("debug", StringComparison.OrdinalIgnoreCase) && (line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("redirect", StringComparison.OrdinalIgnoreCase) || line.Contains("fail", StringComparison.OrdinalIgnoreCase)))
        {
            logger.ChildOutput(Daemon, line);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "miniupnpd started (pid {Pid}): miniupnpd {Arguments}")]
    private partial void LogStarted(int pid, string arguments);

    [LoggerMessage(Level = LogLevel.Error, Message = "miniupnpd's files could not be written to {Directory}: {Error}")]
    private partial void LogWriteFailed(string directory, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "miniupnpd's configuration could not be rendered: {Error}")]
    private partial void LogRenderFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A miniupnpd left by an earlier agent (pid {Pid}) was stopped")]
    private partial void LogLeftOverStopped(int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "UPnP mapping {Id} to {Address}:{Port} removed")]
    private partial void LogDeleted(string id, string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UPnP mapping {Id} from {Client} carries nothing: a port forward of the owner takes that port")]
    private partial void LogShadowed(string id, string client);

    [LoggerMessage(Level = LogLevel.Information, Message = "UPnP mapping {Id} expired (the lease limit) and was removed")]
    private partial void LogExpired(string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "UPnP mapping {Id} could not be deleted: {Error}")]
    private partial void LogDeleteFailed(string id, string error);
}

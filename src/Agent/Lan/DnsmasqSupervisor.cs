using System.Threading.Channels;
using Gateway.Agent.Processes;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Lan;

/// <summary>
/// Runs the LAN's one dnsmasq as a child of the agent: after every apply (and at start, with the restored or the
/// first-boot state) renders its files into <see cref="AgentOptions.DnsmasqDir"/>, then leaves it alone when nothing
/// changed, sends SIGHUP when only names, static leases or upstream servers changed (no query is lost), restarts it
/// when its main file changed, and stops it when nothing is to be served. A dnsmasq that dies is started again, after
/// a back-off that grows while it keeps dying. It never reads the system's <c>/etc/dnsmasq.conf</c>, writes no pid
/// file and logs to stderr, which lands in the agent's log.
/// </summary>
public sealed partial class DnsmasqSupervisor(AgentOptions options, ILogger<DnsmasqSupervisor> logger) : BackgroundService
{
    public const string DefaultBinary = "/usr/sbin/dnsmasq";

    private const string Daemon = "dnsmasq";

    private readonly DnsmasqDirectory _directory = new(options.DnsmasqDir);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private GatewayConfig? _desired;
    private bool _told;
    private GatewayConfig? _served;
    private IReadOnlyList<string> _learnt = [];

    /// <summary>The binary (a test may point it elsewhere); Debian's <c>dnsmasq-base</c> by default.</summary>
    public string Binary { get; init; } = DefaultBinary;

    /// <summary>Asks for <paramref name="config"/>'s LAN services (null: none); returns at once, the work is done in the background.</summary>
    public void Serve(GatewayConfig? config)
    {
        lock (_wake)
        {
            _desired = config;
            _told = true;
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>
    /// The DNS servers the WAN learnt (or the static WAN's list): the upstream when the owner names none. A change only
    /// rewrites the servers file and reloads.
    /// </summary>
    public void SetLearntUpstream(IReadOnlyList<string> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        lock (_wake)
        {
            if (_learnt.SequenceEqual(servers, StringComparer.Ordinal))
            {
                return;
            }

            _learnt = [.. servers];
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>What dnsmasq has handed out now, static ones marked.</summary>
    public IReadOnlyList<DhcpLease> Leases() =>
        DnsmasqLeases.Read(_directory.Paths.Leases, Volatile.Read(ref _served)?.StaticLeases ?? []);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChildProcess? child = null;
        DnsmasqFiles? running = null;
        var backOff = new RestartBackOff();
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
                IReadOnlyList<string> learnt;
                lock (_wake)
                {
                    if (!_told)
                    {
                        continue;
                    }

                    config = _desired;
                    learnt = _learnt;
                }

                DnsmasqFiles files;
                try
                {
                    files = config is null ? new DnsmasqFiles("", "", "", "") : DnsmasqConfig.Render(config, _directory.Paths, learnt);
                }
                catch (InvalidDataException ex)
                {
                    // The validator admits nothing the renderer refuses; should it happen, what runs keeps running.
                    LogRenderFailed(ex.Message);
                    continue;
                }

                var action = DnsmasqDirectory.Decide(running, files);
                if (action is DnsmasqAction.None)
                {
                    Volatile.Write(ref _served, config);
                    continue;
                }

                if (action is DnsmasqAction.Stop or DnsmasqAction.Restart)
                {
                    if (child is not null)
                    {
                        await child.DisposeAsync().ConfigureAwait(false);
                    }

                    child = null;
                    running = null;
                    if (action is DnsmasqAction.Stop)
                    {
                        LogStopped();
                        Volatile.Write(ref _served, config);
                        continue;
                    }
                }

                try
                {
                    _directory.Write(files);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogWriteFailed(_directory.Paths.Directory, ex.Message);
                    continue;
                }

                Volatile.Write(ref _served, config);
                if (action is DnsmasqAction.Reload && child is not null)
                {
                    _ = child.Signal(Tmds.Linux.LibC.SIGHUP);
                    running = files;
                    LogReloaded();
                    continue;
                }

                child = Start();
                running = child is null ? null : files;
                if (child is null)
                {
                    // Could not even start (no binary): try again after the back-off, and further apart each time.
                    await Task.Delay(backOff.AfterFailedStart(), stoppingToken).ConfigureAwait(false);
                    _wake.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private ChildProcess? Start()
    {
        // Our file only (not /etc/dnsmasq.conf), in the foreground (a child the agent sees die), no pid file shared
        // with any other dnsmasq, log lines on stderr.
        List<string> arguments = ["--keep-in-foreground", $"--conf-file={_directory.Paths.Conf}", "--pid-file=", "--log-facility=-"];
        if (DnsmasqUserExists())
        {
            // Debian's dnsmasq-base creates this user; without it dnsmasq drops to nobody.
            arguments.Add("--user=dnsmasq");
        }

        var child = ChildProcess.TryStart(Binary, arguments, line => logger.ChildOutput(Daemon, line), ownProcessGroup: false, out var error);
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

    private static bool DnsmasqUserExists()
    {
        try
        {
            return File.ReadLines("/etc/passwd").Any(l => l.StartsWith("dnsmasq:", StringComparison.Ordinal));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq started (pid {Pid}): dnsmasq {Arguments}")]
    private partial void LogStarted(int pid, string arguments);

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq reloaded (SIGHUP): names, static leases or upstream servers changed")]
    private partial void LogReloaded();

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq stopped: nothing to serve on the LAN")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Error, Message = "dnsmasq's files could not be written to {Directory}: {Error}")]
    private partial void LogWriteFailed(string directory, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "dnsmasq's files could not be rendered: {Error}")]
    private partial void LogRenderFailed(string error);
}

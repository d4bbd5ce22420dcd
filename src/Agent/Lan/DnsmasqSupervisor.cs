using System.Diagnostics;
using System.Threading.Channels;
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

    private static readonly TimeSpan FirstBackOff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

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
        Process? process = null;
        DnsmasqFiles? running = null;
        var backOff = FirstBackOff;
        var startedAt = DateTime.UtcNow;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var exited = process is null ? Task.Delay(Timeout.Infinite, stoppingToken) : process.WaitForExitAsync(stoppingToken);
                await Task.WhenAny(_wake.Reader.WaitToReadAsync(stoppingToken).AsTask(), exited).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                _wake.Reader.TryRead(out _);
                if (process is { HasExited: true })
                {
                    LogDied(process.ExitCode, backOff.TotalSeconds);
                    process.Dispose();
                    process = null;
                    running = null;
                    // Ran long enough: a fresh failure, not a crash loop.
                    backOff = DateTime.UtcNow - startedAt > MaxBackOff ? FirstBackOff : backOff;
                    await Task.Delay(backOff, stoppingToken).ConfigureAwait(false);
                    backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, MaxBackOff.Ticks));
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
                    await StopAsync(process).ConfigureAwait(false);
                    process?.Dispose();
                    process = null;
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
                if (action is DnsmasqAction.Reload && process is not null)
                {
                    _ = Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGHUP);
                    running = files;
                    LogReloaded();
                    continue;
                }

                process = Start();
                startedAt = DateTime.UtcNow;
                running = process is null ? null : files;
                if (process is null)
                {
                    // Could not even start (no binary): try again after the back-off, and further apart each time.
                    await Task.Delay(backOff, stoppingToken).ConfigureAwait(false);
                    backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, MaxBackOff.Ticks));
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
            await StopAsync(process).ConfigureAwait(false);
            process?.Dispose();
        }
    }

    private Process? Start()
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Our file only (not /etc/dnsmasq.conf), in the foreground (a child the agent sees die), no pid file shared
        // with any other dnsmasq, log lines on stderr.
        info.ArgumentList.Add("--keep-in-foreground");
        info.ArgumentList.Add($"--conf-file={_directory.Paths.Conf}");
        info.ArgumentList.Add("--pid-file=");
        info.ArgumentList.Add("--log-facility=-");
        if (DnsmasqUserExists())
        {
            // Debian's dnsmasq-base creates this user; without it dnsmasq drops to nobody.
            info.ArgumentList.Add("--user=dnsmasq");
        }

        try
        {
            var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => Output(e.Data);
            process.ErrorDataReceived += (_, e) => Output(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            LogStarted(process.Id, string.Join(' ', info.ArgumentList));
            return process;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            LogStartFailed(Binary, ex.Message);
            return null;
        }
    }

    private void Output(string? line)
    {
        if (line is { Length: > 0 })
        {
            LogOutput(line);
        }
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

    /// <summary>SIGTERM, then SIGKILL if it is still there after a grace period.</summary>
    private static async Task StopAsync(Process? process)
    {
        if (process is null || process.HasExited)
        {
            return;
        }

        _ = Tmds.Linux.LibC.kill(process.Id, Tmds.Linux.LibC.SIGTERM);
        using var grace = new CancellationTokenSource(StopGrace);
        try
        {
            await process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq started (pid {Pid}): dnsmasq {Arguments}")]
    private partial void LogStarted(int pid, string arguments);

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq reloaded (SIGHUP): names, static leases or upstream servers changed")]
    private partial void LogReloaded();

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq stopped: nothing to serve on the LAN")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Warning, Message = "dnsmasq exited with code {Code}; starting it again in {Seconds:F1} s")]
    private partial void LogDied(int code, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "dnsmasq could not be started ({Binary}): {Error}")]
    private partial void LogStartFailed(string binary, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "dnsmasq's files could not be written to {Directory}: {Error}")]
    private partial void LogWriteFailed(string directory, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "dnsmasq's files could not be rendered: {Error}")]
    private partial void LogRenderFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "dnsmasq: {Line}")]
    private partial void LogOutput(string line);
}

using System.Net;
using System.Threading.Channels;
using Gateway.Agent.Lan;
using Gateway.Agent.Links;
using Gateway.Agent.Processes;
using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Wan;

/// <summary>
/// Brings the uplink up as <c>wan</c> says, after every apply: in static mode the address and default route over
/// rtnetlink (<see cref="WanStatic"/>); in dhcp mode (and for a prefix delegation with a static IPv4) one dhcpcd, a
/// child of the agent, on the WAN link only (and the LAN link it numbers), with its own files under
/// <see cref="AgentOptions.WanDir"/>. dhcpcd is started again if it dies and stopped when the mode leaves dhcp. Its
/// hook writes each event to a file the agent reads: the address and routes are dhcpcd's, the DNS servers go to the
/// LAN's dnsmasq, and the table is not re-applied (masquerade follows the link's address).
/// </summary>
public sealed partial class WanSupervisor(
    AgentOptions options,
    IRoutingKernel kernel,
    DnsmasqSupervisor dnsmasq,
    TimeProvider time,
    ILogger<WanSupervisor> logger) : BackgroundService
{
    public const string DefaultBinary = "/usr/sbin/dhcpcd";

    private const string Daemon = "dhcpcd";

    private static readonly TimeSpan EventPoll = TimeSpan.FromMilliseconds(250);

    private readonly WanPaths _paths = new(options.WanDir);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly WanState _state = new(time);
    private GatewayConfig? _desired;
    private bool _told;
    private WanStatic? _static;

    public string Binary { get; init; } = DefaultBinary;

    /// <summary>Asks for <paramref name="config"/>'s uplink (null: leave it to the host); the work is done in the background.</summary>
    public void Serve(GatewayConfig? config)
    {
        lock (_wake)
        {
            _desired = config;
            _told = true;
        }

        _wake.Writer.TryWrite(true);
    }

    /// <summary>The uplink now: the configured mode, the link's live addresses and gateway, what dhcpcd reported.</summary>
    /// <summary>
    /// The link the status describes: the WAN link itself, or for a wildcard (<c>ppp*</c>, only unmanaged) the matching
    /// link that carries the default route, else the first matching one that is up with an IPv4 address.
    /// </summary>
    public static LinkInfo? Uplink(IReadOnlyList<LinkInfo> links, string pattern)
    {
        var matching = links.Where(l => FieldRules.InterfaceMatches(pattern, l.Name)).ToList();
        return matching.FirstOrDefault(l => l.DefaultRoute)
            ?? matching.FirstOrDefault(l => l.Up && l.Addresses.Any(a => !a.Contains(':', StringComparison.Ordinal)))
            ?? matching.FirstOrDefault();
    }

    public WanStatusReply Status()
    {
        WanSettings wan;
        string? link;
        lock (_wake)
        {
            wan = _desired?.Wan ?? WanSettings.Unmanaged;
            link = _desired?.Network.WanInterface;
        }

        var info = link is null ? null : Uplink(LinkLister.List(), link);
        IReadOnlyList<string> v6 = [];
        if (info is not null)
        {
            try
            {
                v6 = [.. kernel.Ipv6Addresses().Where(a => a.Link == info.Name && !a.Address.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase)).Select(a => $"{a.Address}/{a.PrefixLength}")];
            }
            catch (RoutingException)
            {
                // The IPv4 part still answers.
            }
        }

        return _state.Reply(wan, info, v6);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChildProcess? child = null;
        string? running = null;
        (string Wan, string? Lan) runningLinks = ("", null);
        var backOff = new RestartBackOff();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var exited = child?.Exited ?? Task.Delay(Timeout.Infinite, stoppingToken);
                await Task.WhenAny(_wake.Reader.WaitToReadAsync(stoppingToken).AsTask(), exited, Task.Delay(EventPoll, stoppingToken)).ConfigureAwait(false);
                stoppingToken.ThrowIfCancellationRequested();
                var woken = _wake.Reader.TryRead(out _);
                ReadEvents();

                if (child is { HasExited: true })
                {
                    var wait = backOff.AfterExit(child.RunningFor);
                    logger.ChildDied(Daemon, child.ExitCode, wait.TotalSeconds);
                    await child.DisposeAsync().ConfigureAwait(false); // and what is left of its group
                    child = null;
                    running = null;
                    _state.ClientRestarted();
                    await Task.Delay(wait, stoppingToken).ConfigureAwait(false);
                    woken = true;
                }

                if (!woken)
                {
                    continue;
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

                var wan = config?.Wan ?? WanSettings.Unmanaged;
                var link = config?.Network.WanInterface;
                ReconcileStatic(wan, link);

                var lan = config?.Network.LanInterface;
                var conf = wan.RunsClient && FieldRules.IsLinkName(link) && (lan is null || FieldRules.IsLinkName(lan))
                    ? DhcpcdConfig.Render(wan, link!, lan)
                    : null;
                if (conf == running && child is not null)
                {
                    PublishDns(wan);
                    continue;
                }

                if (child is not null)
                {
                    var held = _state.Held();
                    await child.DisposeAsync().ConfigureAwait(false);
                    child = null;
                    running = null;
                    LogStopped();
                    RemoveLeftovers(held, runningLinks);
                }

                if (conf is null)
                {
                    ReadEvents();
                    _state.Clear();
                    PublishDns(wan);
                    continue;
                }

                runningLinks = (link!, wan.Ipv6 == WanIpv6.Auto ? config!.Network.LanInterface : null);
                child = await StartAsync(conf, runningLinks.Wan, runningLinks.Lan).ConfigureAwait(false);
                running = child is null ? null : conf;
                PublishDns(wan);
                if (child is null)
                {
                    await Task.Delay(backOff.AfterFailedStart(), stoppingToken).ConfigureAwait(false);
                    _wake.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: dhcpcd goes with the agent and takes its addresses with it.
        }
        finally
        {
            if (child is not null)
            {
                await child.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// dhcpcd removes what it configured when it stops, but not what an earlier dhcpcd that died (killed, crashed)
    /// configured before it: the lease's address and default route, and the LAN's delegated /64, go here if still there.
    /// </summary>
    private void RemoveLeftovers((string? Address, string? Gateway, string? Prefix) held, (string Wan, string? Lan) links)
    {
        try
        {
            if (held.Address is { } address && address.Split('/') is [var ip, var length]
                && int.TryParse(length, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefixLength)
                && kernel.Addresses().Any(a => a.Link == links.Wan && a.Address == ip))
            {
                if (held.Gateway is { } gateway)
                {
                    kernel.RemoveRoute(new RoutingRoute(WanStatic.MainTable, "default", gateway, links.Wan));
                }

                kernel.RemoveIpv4Address(links.Wan, ip, prefixLength);
                LogLeftover($"{address} on {links.Wan}");
            }

            if (held.Prefix is { } prefix && links.Lan is { } lan && prefix.Split('/') is [var network, _]
                && IPAddress.TryParse(network, out var net))
            {
                var bytes = net.GetAddressBytes();
                bytes[15] = 1;
                var lanAddress = new IPAddress(bytes).ToString();
                if (kernel.Ipv6Addresses().Any(a => a.Link == lan && a.Address == lanAddress))
                {
                    kernel.RemoveIpv6Address(lan, lanAddress, 64);
                    LogLeftover($"{lanAddress}/64 on {lan}");
                }
            }
        }
        catch (RoutingException ex)
        {
            LogStaticFailed(ex.Message);
        }
    }

    private void ReconcileStatic(WanSettings wan, string? link)
    {
        try
        {
            _static ??= new WanStatic(kernel, _paths.StaticRecord);
            foreach (var change in _static.Reconcile(WanStatic.Wanted(wan, link)))
            {
                LogStatic(change);
            }
        }
        catch (Exception ex) when (ex is RoutingException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            LogStaticFailed(ex.Message);
        }
    }

    /// <summary>Hands the servers to dnsmasq: the static list, or what dhcpcd learnt; only literal addresses pass.</summary>
    private void PublishDns(WanSettings wan)
    {
        IReadOnlyList<string> servers = wan.Mode switch
        {
            WanMode.Static => [.. wan.Dns, .. _state.LearntDns],
            WanMode.Dhcp => _state.LearntDns,
            _ => [],
        };
        // Learnt servers come from the ISP's DHCP answer: held to the rule an owner's upstream meets, in one spelling.
        var clean = servers
            .Where(ConfigValidator.IsServerAddress)
            .Select(s => Ipv4.TryParse(s, out var v4) ? Ipv4.Format(v4) : Ipv6.TryParse(s, out var v6) ? Ipv6.Format(v6) : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        dnsmasq.SetLearntUpstream(clean);
    }

    /// <summary>Takes in the hook's event files in order, then deletes them.</summary>
    private void ReadEvents()
    {
        string[] files;
        try
        {
            if (!Directory.Exists(_paths.Events))
            {
                return;
            }

            files = Directory.GetFiles(_paths.Events, "*.env");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (files.Length == 0)
        {
            return;
        }

        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                if (DhcpcdEvent.Parse(File.ReadAllText(file)) is { } e)
                {
                    var kinds = _state.Apply(e);
                    LogEvent(e.Reason, e.Interface, kinds.Count == 0 ? "-" : string.Join(',', kinds));
                }

                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogEventFailed(file, ex.Message);
            }
        }

        WanSettings wan;
        lock (_wake)
        {
            wan = _desired?.Wan ?? WanSettings.Unmanaged;
        }

        PublishDns(wan);
    }

    private async Task<ChildProcess?> StartAsync(string conf, string wanLink, string? lanLink)
    {
        try
        {
            foreach (var directory in new[] { _paths.Directory, _paths.State, _paths.Run, _paths.Events })
            {
                Directory.CreateDirectory(directory);
            }

            // A dhcpcd an earlier agent started (it was killed, its child was not) holds the run folder's pid files.
            foreach (var pidFile in Directory.EnumerateFiles(_paths.Run, "*.pid", SearchOption.AllDirectories))
            {
                await LeftoverProcess.StopAsync(pidFile, Binary).ConfigureAwait(false);
            }

            File.WriteAllText(_paths.Conf, conf);
            File.WriteAllText(_paths.Hook, DhcpcdConfig.Hook(_paths.Events));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(_paths.Hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.ChildStartFailed(Daemon, Binary, ex.Message);
            return null;
        }

        // Already bound (the systemd unit's BindPaths=): no mount namespace needed, and none could be made there.
        var token = Guid.NewGuid().ToString("N");
        var marker = Path.Combine(_paths.State, ".gateway-wan");
        var bound = false;
        try
        {
            File.WriteAllText(marker, token);
            bound = File.Exists("/var/lib/dhcpcd/.gateway-wan") && File.ReadAllText("/var/lib/dhcpcd/.gateway-wan") == token;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            bound = false;
        }

        // dhcpcd's state and run folders are compiled in and shared with any other dhcpcd on the host: a private mount
        // namespace binds the agent's own folders over them for this dhcpcd alone. In the foreground (-B: a child
        // the agent sees die), our file only (-f), our hook only (-c).
        string[] isolate = bound ? [] :
        [
            "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
            "mount --bind \"$1\" /var/lib/dhcpcd && mount --bind \"$2\" /run/dhcpcd && shift 2 && exec \"$@\"",
            "sh", _paths.State, _paths.Run,
        ];
        // "--": a link name is never read as an option, whatever it starts with (Linux allows a leading '-').
        List<string> command = [.. isolate, Binary, "-B", "-f", _paths.Conf, "-c", _paths.Hook, "--", wanLink];
        if (lanLink is not null)
        {
            command.Add(lanLink);
        }

        // In its own process group (setsid, unshare and sh all exec in place, so the pid stays dhcpcd's): the
        // privilege-separated helpers it forks are in that group, and go with it when it dies or is stopped.
        var child = ChildProcess.TryStart(command[0], command.Skip(1), line => logger.ChildOutput(Daemon, line), ownProcessGroup: true, out var error);
        if (child is null)
        {
            logger.ChildStartFailed(Daemon, Binary, error);
        }
        else
        {
            LogStarted(child.Id, wanLink, lanLink ?? "-");
        }

        return child;
    }

    /// <summary>A dhcpcd a killed agent left behind (its pid file is in our run folder): stopped before a new one starts.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "dhcpcd started (pid {Pid}) on {Wan}, delegating to {Lan}")]
    private partial void LogStarted(int pid, string wan, string lan);

    [LoggerMessage(Level = LogLevel.Information, Message = "removed what an earlier dhcpcd left: {What}")]
    private partial void LogLeftover(string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "dhcpcd stopped")]
    private partial void LogStopped();

    [LoggerMessage(Level = LogLevel.Information, Message = "WAN event {Reason} on {Link}: {Changes}")]
    private partial void LogEvent(string reason, string link, string changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAN event file {File} could not be read: {Error}")]
    private partial void LogEventFailed(string file, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "WAN static: {Change}")]
    private partial void LogStatic(string change);

    [LoggerMessage(Level = LogLevel.Warning, Message = "WAN static: {Error}")]
    private partial void LogStaticFailed(string error);
}

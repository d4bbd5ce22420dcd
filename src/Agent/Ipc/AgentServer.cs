using System.Net.Sockets;
using System.Reflection;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Ipc;

/// <summary>
/// The Unix socket the web talks to: accepts, admits peers by uid (<see cref="PeerCheck"/>) before a byte is read,
/// reads frames and hands each to the <see cref="FrameDispatcher"/>. A malformed, oversized, unknown or stalled
/// frame closes that one connection and is logged, and at most <see cref="SocketLimits.MaxConnections"/> are served
/// at once. Each reply carries the id of the request it answers (<see cref="Frame.ReplyTo"/>).
/// </summary>
public sealed partial class AgentServer : BackgroundService
{
    private readonly AgentOptions _options;
    private readonly ClientHub _hub;
    private readonly ILogger<AgentServer> _logger;
    private readonly SocketLimits _limits;
    private readonly PeerCheck _peers;
    private readonly FrameDispatcher _dispatcher;
    private int _connections;

    public AgentServer(
        AgentOptions options,
        RulesetManager rulesets,
        NftApplier applier,
        ClientHub hub,
        ILogger<AgentServer> logger,
        SocketLimits? limits = null,
        Confirm.ConfirmWindow? confirm = null,
        Lan.DnsmasqSupervisor? dnsmasq = null,
        Upnp.MiniupnpdSupervisor? upnp = null,
        Wan.WanSupervisor? wan = null,
        Devices.DeviceAccountant? devices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _hub = hub;
        _logger = logger;
        _limits = limits ?? SocketLimits.Default;
        _peers = new PeerCheck(options.AllowedUids, logger);
        _dispatcher = new FrameDispatcher(rulesets, applier, hub, confirm, dnsmasq, upnp, wan, devices);
    }

    public static string AgentVersion { get; } =
        typeof(AgentServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    private Socket? _listener;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Listen synchronously in StartAsync so the socket exists once the host reports started.
        _listener = SocketFile.Listen(_options.SocketPath);
        LogListening(_options.SocketPath, string.Join(",", _options.AllowedUids));
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Cancels the accept loop and every connection, and waits for them.
            await base.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _listener?.Dispose();
            SocketFile.TryDelete(_options.SocketPath);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = _listener!;
        var connections = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException) when (stoppingToken.IsCancellationRequested)
            {
                // A cancelled accept can surface as ECANCELED rather than OperationCanceledException.
                break;
            }
            catch (SocketException ex)
            {
                LogAcceptFailed(ex.Message);
                await Task.Delay(100, stoppingToken).ConfigureAwait(false);
                continue;
            }

            connections.RemoveAll(t => t.IsCompleted);
            if (Interlocked.Increment(ref _connections) > _limits.MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                LogTooManyConnections(_limits.MaxConnections);
                socket.Dispose();
                continue;
            }

            connections.Add(Task.Run(() => ServeCountedAsync(socket, stoppingToken), CancellationToken.None));
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private async Task ServeCountedAsync(Socket socket, CancellationToken stoppingToken)
    {
        try
        {
            await ServeAsync(socket, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _connections);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stoppingToken)
    {
        if (_peers.Admit(socket) is not { } peer)
        {
            socket.Dispose();
            return;
        }

        var client = new ClientConnection(socket);
        _hub.Add(client);
        LogConnected(peer.Uid, peer.Pid);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, client.Closed);
        var badFrame = false;
        try
        {
            while (true)
            {
                var body = await Framing.ReadAsync(client.Stream, _limits.FrameTimeout, linked.Token).ConfigureAwait(false);
                if (body is null)
                {
                    break;
                }

                var request = AgentProtocol.DeserializeRequest(body);
                var replyTo = request.Id == 0 ? (long?)null : request.Id;
                await _dispatcher.DispatchAsync(new Frame(client, request, replyTo, body), linked.Token).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException ex)
        {
            LogBadFrame(peer.Pid, ex.Message);
            badFrame = true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Peer hung up or the agent is stopping.
        }
        catch (Exception ex)
        {
            // Whatever a request triggers, one client must never take the agent down.
            LogHandlerFailed(peer.Pid, ex.ToString());
        }
        finally
        {
            _hub.Remove(client);
            await client.DisposeAsync().ConfigureAwait(false);
            LogDisconnected(peer.Pid);
        }

        if (badFrame)
        {
            // A stalled or oversized frame may have left up to 16 MiB of buffer behind, and an idle agent allocates
            // too little to run a full collection soon: collect now and give the pages back (rare: only a peer that
            // broke the protocol gets here).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Path} for uids {Uids}")]
    private partial void LogListening(string path, string uids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection: {Max} clients are connected already")]
    private partial void LogTooManyConnections(int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed: {Error}")]
    private partial void LogAcceptFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client connected: uid {Uid}, pid {Pid}")]
    private partial void LogConnected(uint uid, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client pid {Pid} disconnected")]
    private partial void LogDisconnected(int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing client pid {Pid}: {Error}")]
    private partial void LogBadFrame(int pid, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request from pid {Pid} failed: {Error}")]
    private partial void LogHandlerFailed(int pid, string error);
}

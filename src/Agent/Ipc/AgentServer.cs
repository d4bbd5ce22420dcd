using System.Net.Sockets;
using System.Reflection;
using Gateway.Agent.Links;
using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Ipc;

/// <summary>
/// The Unix socket the web talks to. Peers are checked by uid (SO_PEERCRED) before a byte is read;
/// a malformed, oversized, unknown or stalled frame closes that one connection and is logged, and at most
/// <see cref="SocketLimits.MaxConnections"/> are served at once. Each reply carries the id of the request it
/// answers. Every <c>applied</c> also goes to the other clients, and <c>hello</c> and <c>applied</c> are queued in
/// the order the kernel changed, so each client's latest one is the truth about the kernel.
/// </summary>
public sealed partial class AgentServer(
    AgentOptions options,
    RulesetManager rulesets,
    NftApplier applier,
    ClientHub hub,
    ILogger<AgentServer> logger,
    SocketLimits? limits = null,
    Confirm.ConfirmWindow? confirm = null,
    Lan.DnsmasqSupervisor? dnsmasq = null,
    Wan.WanSupervisor? wan = null) : BackgroundService
{
    private readonly SocketLimits _limits = limits ?? SocketLimits.Default;

    // Held from an apply's start until its outcome is queued to every client, and while a hello reads the state.
    private readonly SemaphoreSlim _kernelOrder = new(1, 1);
    private int _connections;

    // The digest of the config last applied through this socket, by reference, so hello need not re-serialise it.
    private (GatewayConfig Config, string Digest)? _appliedDigest;

    public static string AgentVersion { get; } =
        typeof(AgentServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";

    private Socket? _listener;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Listen synchronously in StartAsync so the socket exists once the host reports started.
        _listener = Listen(options.SocketPath);
        LogListening(options.SocketPath, string.Join(",", options.AllowedUids));
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
            TryDelete(options.SocketPath);
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

    private static Socket Listen(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // A socket file left by a killed agent would make bind fail with EADDRINUSE.
        TryDelete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                // Root and the web's group may connect; SO_PEERCRED then narrows it to the allowed uids.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            }
            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
        PeerCredentials peer;
        try
        {
            peer = PeerCredentials.Of(socket);
        }
        catch (SocketException ex)
        {
            LogPeerUnknown(ex.Message);
            socket.Dispose();
            return;
        }

        if (!options.AllowedUids.Contains(peer.Uid))
        {
            LogPeerRefused(peer.Uid, peer.Pid);
            socket.Dispose();
            return;
        }

        var client = new ClientConnection(socket);
        hub.Add(client);
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
                switch (request)
                {
                    case HelloRequest:
                        await HelloAsync(client, replyTo, linked.Token).ConfigureAwait(false);
                        if (confirm?.UnsettledRevert is { } reverted)
                        {
                            // A revert the web may have missed (it was away, or restarted before storing it): told again.
                            Reply(client, reverted);
                        }

                        break;
                    case ApplyRequest apply:
                        await ApplyAsync(client, apply, replyTo, body, linked.Token).ConfigureAwait(false);
                        break;
                    default:
                        var reply = await HandleAsync(request, linked.Token).ConfigureAwait(false);
                        await client.SendAsync(reply with { ReplyTo = replyTo }, linked.Token).ConfigureAwait(false);
                        break;
                }
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
            hub.Remove(client);
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

    private async Task HelloAsync(ClientConnection client, long? replyTo, CancellationToken cancellationToken)
    {
        await _kernelOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var config = rulesets.AppliedConfig;
            var hello = new HelloReply(AgentProtocol.Version, AgentVersion, rulesets.AppliedRevision, confirm?.Pending, ConfigDigest: config is null ? null : DigestOf(config))
            {
                ReplyTo = replyTo,
            };
            Reply(client, hello);
        }
        finally
        {
            _kernelOrder.Release();
        }
    }

    private async Task ApplyAsync(ClientConnection client, ApplyRequest apply, long? replyTo, byte[] body, CancellationToken cancellationToken)
    {
        await _kernelOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Compile and the libnftables call are CPU/kernel work; keep them off the socket's I/O thread.
            var applied = await Task.Run(
                () => confirm is null ? rulesets.ApplyAsync(apply.Revision, apply.Config, cancellationToken) : confirm.ApplyAsync(apply, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (applied.Ok && ConfigDigest.OfApplyFrame(body) is { } digest)
            {
                _appliedDigest = (apply.Config, digest);
                applied = applied with { ConfigDigest = digest };
            }

            Reply(client, applied with { ReplyTo = replyTo });
            hub.Broadcast(applied, except: client);
        }
        finally
        {
            _kernelOrder.Release();
        }
    }

    /// <summary>
    /// Queues a reply without waiting (it is queued under <see cref="_kernelOrder"/>); a client whose queue is full
    /// has not read for minutes, so it is closed rather than allowed to hold up every other client's apply.
    /// </summary>
    private static void Reply(ClientConnection client, AgentEvent reply)
    {
        if (!client.TryPush(AgentProtocol.Serialize(reply)))
        {
            throw new IOException("The client does not read its replies.");
        }
    }

    private string DigestOf(GatewayConfig config)
    {
        if (_appliedDigest is { } known && ReferenceEquals(known.Config, config))
        {
            return known.Digest;
        }

        // Restored at start, not applied through the socket: the JSON the web writes for the same config.
        var digest = ConfigDigest.Of(config);
        _appliedDigest = (config, digest);
        return digest;
    }

    private async Task<AgentEvent> HandleAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case ConfirmRequest confirmRequest:
                return confirm is null
                    ? new ConfirmStateEvent(null, "This agent holds no confirmation windows.")
                    : await confirm.ConfirmAsync(confirmRequest.Revision, cancellationToken).ConfigureAwait(false);
            case GetInterfacesRequest:
                return new InterfacesReply(LinkLister.List(), rulesets.AgentAddresses, rulesets.FirstBootLan);
            case GetNeighboursRequest:
                return new NeighboursReply(NeighbourTable.Read());
            case GetLeasesRequest:
                // From dnsmasq's lease file; none while it does not run.
                return new LeasesReply(dnsmasq?.Leases() ?? []);
            case GetWanStatusRequest:
                return wan?.Status() ?? new WanStatusReply(new WanStatus(WanMode.Unmanaged, false, [], null, [], null, null, null), []);
            case GetRulesetRequest:
                var table = await Task.Run(applier.ListTable, cancellationToken).ConfigureAwait(false);
                var routing = await Task.Run(() => rulesets.DescribeRoutingAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                // Below the table: the ip rules, routes and addresses the agent owns beyond it.
                return new RulesetReply(routing.Length == 0 ? table : table.Length == 0 ? routing : $"{table.TrimEnd('\n')}\n\n{routing}");
            default:
                throw new InvalidDataException($"Unhandled request {request.GetType().Name}.");
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
            // Best effort: a socket file that can't go makes the next bind fail, and that is reported.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening on {Path} for uids {Uids}")]
    private partial void LogListening(string path, string uids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection: {Max} clients are connected already")]
    private partial void LogTooManyConnections(int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Accept failed: {Error}")]
    private partial void LogAcceptFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read peer credentials: {Error}")]
    private partial void LogPeerUnknown(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused connection from uid {Uid} (pid {Pid}): not in Agent:AllowedUids")]
    private partial void LogPeerRefused(uint uid, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client connected: uid {Uid}, pid {Pid}")]
    private partial void LogConnected(uint uid, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client pid {Pid} disconnected")]
    private partial void LogDisconnected(int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing client pid {Pid}: {Error}")]
    private partial void LogBadFrame(int pid, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request from pid {Pid} failed: {Error}")]
    private partial void LogHandlerFailed(int pid, string error);
}

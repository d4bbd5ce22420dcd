using System.Net.Sockets;
using System.Reflection;
using Gateway.Agent.Links;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Ipc;

/// <summary>
/// The Unix socket the web talks to. Peers are checked by uid (SO_PEERCRED) before a byte is read;
/// a malformed, oversized or unknown frame closes that one connection and is logged.
/// </summary>
public sealed partial class AgentServer(
    AgentOptions options,
    RulesetManager rulesets,
    NftApplier applier,
    ClientHub hub,
    ILogger<AgentServer> logger,
    Confirm.ConfirmWindow? confirm = null) : BackgroundService
{
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
            connections.Add(Task.Run(() => ServeAsync(socket, stoppingToken), CancellationToken.None));
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
        try
        {
            while (true)
            {
                var body = await Framing.ReadAsync(client.Stream, linked.Token).ConfigureAwait(false);
                if (body is null)
                {
                    break;
                }

                var request = AgentProtocol.DeserializeRequest(body);
                var reply = await HandleAsync(request, linked.Token).ConfigureAwait(false);
                await client.SendAsync(reply, linked.Token).ConfigureAwait(false);
                if (request is HelloRequest && confirm?.UnsettledRevert is { } reverted)
                {
                    // A revert the web may have missed (it was away, or restarted before storing it): told again.
                    await client.SendAsync(reverted, linked.Token).ConfigureAwait(false);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            LogBadFrame(peer.Pid, ex.Message);
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
    }

    private async Task<AgentEvent> HandleAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        switch (request)
        {
            case HelloRequest:
                return new HelloReply(AgentProtocol.Version, AgentVersion, rulesets.AppliedRevision, confirm?.Pending);
            case ApplyRequest apply:
                // Compile and the libnftables call are CPU/kernel work; keep them off the socket's I/O thread.
                return await Task.Run(() => confirm is null ? rulesets.ApplyAsync(apply.Revision, apply.Config, cancellationToken) : confirm.ApplyAsync(apply, cancellationToken), cancellationToken).ConfigureAwait(false);
            case ConfirmRequest confirmRequest:
                return confirm is null
                    ? new ConfirmStateEvent(null, "This agent holds no confirmation windows.")
                    : await confirm.ConfirmAsync(confirmRequest.Revision, cancellationToken).ConfigureAwait(false);
            case GetInterfacesRequest:
                return new InterfacesReply(LinkLister.List(), rulesets.AgentAddresses);
            case GetNeighboursRequest:
                return new NeighboursReply(NeighbourTable.Read());
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

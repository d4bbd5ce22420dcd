using System.Net.Sockets;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Options;

namespace Gateway.Web.AgentLink;

/// <summary>
/// The web's side of the agent socket (a singleton) that only talks: <see cref="RunAsync"/> keeps one connection up
/// with back-off and says hello on each; <see cref="RequestAsync{TReply}(AgentRequest, CancellationToken)"/> sends a
/// request with a fresh id and waits for the reply naming it; every frame the agent sends is raised as
/// <see cref="EventReceived"/>. What the frames mean is kept elsewhere (<see cref="AgentFeed"/>,
/// <see cref="AppliedState"/>, <see cref="ApplyPump"/>).
/// </summary>
public sealed partial class AgentChannel(IOptions<AgentLinkOptions> options, TimeProvider time, ILogger<AgentChannel> logger)
{
    private readonly AgentLinkOptions _options = options.Value;

    /// <summary>One per web process, kept across reconnects, so items' JSON survives them.</summary>
    private readonly ApplyFrameWriter _applyFrames = new();
    private volatile AgentConnection? _connection;
    private long _nextId;
    private long _sessions;

    /// <summary>True while a connection is up and the agent has answered hello.</summary>
    public bool Connected => _connection is { Ready: true };

    /// <summary>The current connection's number (a new one after each reconnect), or null while disconnected.</summary>
    public long? Session => _connection is { Ready: true } connection ? connection.Session : null;

    /// <summary>Connected (after hello) and disconnected.</summary>
    public event Action? StatusChanged;

    /// <summary>The agent answered hello on a new connection; raised after <see cref="Connected"/> turned true.</summary>
    public event Action<HelloReply>? SessionStarted;

    /// <summary>A connection ended (or failed before its hello).</summary>
    public event Action? SessionEnded;

    /// <summary>Every frame from the agent — pushed events and replies alike — on the link's read loop; don't block in it.</summary>
    public event Action<AgentEvent>? EventReceived;

    /// <summary>Sends <paramref name="request"/> with a fresh id and waits up to <see cref="AgentLinkOptions.RequestTimeout"/> for its reply.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, no answer in time, the connection broke, or the reply was not a <typeparamref name="TReply"/>.</exception>
    public Task<TReply> RequestAsync<TReply>(AgentRequest request, CancellationToken ct = default)
        where TReply : AgentEvent =>
        RequestAsync<TReply>(request, _options.RequestTimeout, ct);

    /// <inheritdoc cref="RequestAsync{TReply}(AgentRequest, CancellationToken)"/>
    public Task<TReply> RequestAsync<TReply>(AgentRequest request, TimeSpan timeout, CancellationToken ct = default)
        where TReply : AgentEvent
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = _connection;
        if (connection is not { Ready: true })
        {
            throw new AgentUnavailableException("The agent is not connected.");
        }

        return connection.RequestAsync<TReply>(request with { Id = Interlocked.Increment(ref _nextId) }, timeout, ct);
    }

    /// <summary>The connect/reconnect loop; returns when <paramref name="stoppingToken"/> fires.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        var delay = _options.MinReconnectDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_options.SocketPath), stoppingToken);
                delay = _options.MinReconnectDelay;
                LogConnected(_options.SocketPath);
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await RunConnectionAsync(new AgentConnection(stream, Interlocked.Increment(ref _sessions), time, _applyFrames), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                LogConnectFailed(_options.SocketPath, ex.SocketErrorCode, delay);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException or AgentUnavailableException)
            {
                LogConnectionLost(ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever a subscriber or a frame did: never let the background service die (that would stop
                // the web); drop the connection and retry.
                LogConnectionFailed(ex);
            }
            finally
            {
                socket.Dispose();
                MarkDisconnected();
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    /// <summary>Hello, then reads until the connection ends; throws the reason it ended.</summary>
    internal async Task RunConnectionAsync(AgentConnection connection, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _connection = connection;
        var reader = connection.ReadLoopAsync(agentEvent => Subscribers.Raise(EventReceived, agentEvent, logger), cts.Token);
        try
        {
            try
            {
                // An agent busy with another client's apply answers hello after it: allow as long as an apply.
                var hello = await connection.RequestAsync<HelloReply>(
                    new HelloRequest(AgentProtocol.Version) { Id = Interlocked.Increment(ref _nextId) }, _options.ApplyTimeout, cts.Token);
                connection.Ready = true;
                LogHello(hello.AgentVersion, hello.Protocol, hello.AppliedRevision);
                Subscribers.Raise(StatusChanged, logger);
                Subscribers.Raise(SessionStarted, hello, logger);
            }
            catch (AgentUnavailableException) when (reader.IsCompleted)
            {
                // The read loop ended first; its exception, awaited next, says why.
            }

            await reader; // ends only by throwing
        }
        finally
        {
            await cts.CancelAsync();
            connection.Close();
            try
            {
                await reader;
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidDataException or ObjectDisposedException or SocketException)
            {
                // Already the reason this connection ended, or the cancellation just above.
            }
        }
    }

    private void MarkDisconnected()
    {
        var connection = _connection;
        _connection = null;
        Subscribers.Raise(SessionEnded, logger);
        if (connection is { Ready: true })
        {
            LogDisconnected();
            Subscribers.Raise(StatusChanged, logger);
        }
    }

    [LoggerMessage(LogLevel.Information, "Connected to the agent at {Path}.")]
    private partial void LogConnected(string path);

    [LoggerMessage(LogLevel.Debug, "Agent at {Path} not reachable ({Error}); retrying in {Delay}.")]
    private partial void LogConnectFailed(string path, SocketError error, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning, "Connection to the agent lost: {Reason}")]
    private partial void LogConnectionLost(string reason);

    [LoggerMessage(LogLevel.Error, "The agent link failed; reconnecting.")]
    private partial void LogConnectionFailed(Exception ex);

    [LoggerMessage(LogLevel.Information, "Disconnected from the agent.")]
    private partial void LogDisconnected();

    [LoggerMessage(LogLevel.Information, "Agent {Version} (protocol {Protocol}) has revision {Revision} applied.")]
    private partial void LogHello(string version, int protocol, long revision);
}

using System.Net.Sockets;
using System.Threading.Channels;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Options;

namespace Gateway.Web.State;

/// <summary>
/// The live link to the agent (a singleton). <see cref="RunAsync"/> keeps a Unix-socket connection up with
/// back-off; on each connect it says hello and sends the newest snapshot, and after each
/// <see cref="NotifyChanged"/> it sends the newest revision again — bursts coalesce, because only one
/// apply is in flight per connection and the next one always reads the newest revision from the database.
/// Everything the agent pushes up (applied, conntrack, log) is kept here for the REST API and the pages.
/// </summary>
public sealed partial class AgentLink(IServiceScopeFactory scopes, IOptions<AgentLinkOptions> options, TimeProvider time, ILogger<AgentLink> logger)
{
    private readonly AgentLinkOptions _options = options.Value;
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly LogRing _logs = new(options.Value.LogCapacity);
    private readonly ConntrackHistory _totals = new(options.Value.HistoryRetention, TimeSpan.FromSeconds(1));
    private readonly Lock _stateLock = new();
    private volatile AgentConnection? _connection;
    private long _appliedRevision;
    private string? _lastApplyError;
    private DateTimeOffset? _lastAppliedAt;
    private ConntrackSample? _latestSample;
    private IReadOnlyDictionary<int, RuleHits> _latestRuleHits = EmptyHits;
    private DriftEvent? _lastDrift;
    private PendingConfirmation? _pending;

    private static readonly IReadOnlyDictionary<int, RuleHits> EmptyHits = new Dictionary<int, RuleHits>();

    public bool Connected => _connection is { Ready: true };

    public long AppliedRevision => Interlocked.Read(ref _appliedRevision);

    public string? LastApplyError
    {
        get { lock (_stateLock) { return _lastApplyError; } }
    }

    public DateTimeOffset? LastAppliedAt
    {
        get { lock (_stateLock) { return _lastAppliedAt; } }
    }

    /// <summary>The agent's version string from its hello, when connected.</summary>
    public string? AgentVersion { get; private set; }

    public ConntrackSample? LatestSample => Volatile.Read(ref _latestSample);

    /// <summary>Each rule's counter from the agent's latest sample, by rule id; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, RuleHits> LatestRuleHits => Volatile.Read(ref _latestRuleHits);

    /// <summary>The last time the agent found its table changed under it; kept across reconnects.</summary>
    public DriftEvent? LastDrift => Volatile.Read(ref _lastDrift);

    public string SocketPath => _options.SocketPath;

    /// <summary>The commit-confirmed revision the agent waits to have confirmed (null: none, or not connected).</summary>
    public PendingConfirmation? PendingConfirmation => Volatile.Read(ref _pending);

    /// <summary>The agent put back the previous ruleset because a revision was not confirmed in time.</summary>
    public event Action<RevertedEvent>? Reverted;

    /// <summary>Connect, disconnect, applied.</summary>
    public event Action? StatusChanged;

    public event Action<ConntrackSample>? SampleReceived;

    public event Action<FirewallLogEntry>? LogReceived;

    public event Action<CountersSample>? CountersReceived;

    public event Action<DriftEvent>? DriftDetected;

    /// <summary>Newest first, at <paramref name="minLevel"/> or more severe.</summary>
    public IReadOnlyList<FirewallLogEntry> RecentLogs(FirewallLogLevel minLevel, int limit) => _logs.Recent(minLevel, limit);

    /// <summary>
    /// The conntrack total over the last <paramref name="window"/> (at most <see cref="AgentLinkOptions.HistoryRetention"/>),
    /// oldest first, about one point a second. It survives a reconnect: a gap in the points is a time the agent was away.
    /// </summary>
    public IReadOnlyList<ConntrackPoint> TotalHistory(TimeSpan window) =>
        _totals.Since(time.GetUtcNow() - (window < _totals.Retention ? window : _totals.Retention));

    /// <summary>Called after each committed desired-state write; cheap and never blocks.</summary>
    public void NotifyChanged() => _changed.Writer.TryWrite(true);

    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<IReadOnlyList<LinkInfo>> GetInterfacesAsync(CancellationToken ct = default) =>
        (await GetInterfacesReplyAsync(ct)).Interfaces;

    /// <summary>The links and, in <see cref="InterfacesReply.AgentAddresses"/>, the addresses the agent itself put on them.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public Task<InterfacesReply> GetInterfacesReplyAsync(CancellationToken ct = default) =>
        RequestAsync(new GetInterfacesRequest(), c => c.InterfaceWaiters, ct);

    /// <summary>Live connections of each 1:1 NAT entry by entry id, from the latest sample; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, long> LatestOneToOneConnections() => ById(LatestSample?.OneToOne);

    /// <summary>Live connections of each IPv6 pinhole by pinhole id, from the latest sample; empty while disconnected.</summary>
    public IReadOnlyDictionary<int, long> LatestPinholeConnections() => ById(LatestSample?.Pinholes);

    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<string> GetRulesetAsync(CancellationToken ct = default) =>
        (await RequestAsync(new GetRulesetRequest(), c => c.RulesetWaiters, ct)).Text;

    /// <summary>The router's resolved IPv4 neighbours (its ARP table): address, MAC and link of each.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<IReadOnlyList<Neighbour>> GetNeighboursAsync(CancellationToken ct = default) =>
        (await RequestAsync(new GetNeighboursRequest(), c => c.NeighbourWaiters, ct)).Neighbours;

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
                await RunConnectionAsync(socket, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex)
            {
                LogConnectFailed(_options.SocketPath, ex.SocketErrorCode, delay);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or ObjectDisposedException)
            {
                LogConnectionLost(ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // E.g. the database was briefly unreadable while building a snapshot: never let the
                // background service die (that would stop the web); drop the connection and retry.
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

    private async Task RunConnectionAsync(Socket socket, CancellationToken stoppingToken)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var connection = new AgentConnection(stream);
        _connection = connection;
        await connection.SendAsync(new HelloRequest(AgentProtocol.Version), cts.Token);

        var reader = ReadLoopAsync(connection, cts.Token);
        var pump = ApplyLoopAsync(connection, cts.Token);
        var first = await Task.WhenAny(reader, pump);
        await cts.CancelAsync();
        try
        {
            await Task.WhenAll(reader, pump);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The other loop was cancelled because the first one ended; the first one's outcome is what matters.
        }

        await first; // rethrows the reason the connection ended, for the log
    }

    private async Task ReadLoopAsync(AgentConnection connection, CancellationToken ct)
    {
        while (true)
        {
            var body = await Framing.ReadAsync(connection.Stream, ct) ?? throw new IOException("The agent closed the connection.");
            var agentEvent = AgentProtocol.DeserializeEvent(body);
            if (!connection.Ready)
            {
                connection.Ready = true;
                Raise(StatusChanged);
            }

            Handle(connection, agentEvent);
        }
    }

    private void Handle(AgentConnection connection, AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case HelloReply hello:
                AgentVersion = hello.AgentVersion;
                Interlocked.Exchange(ref _appliedRevision, hello.AppliedRevision);
                Volatile.Write(ref _pending, hello.Pending);
                LogHello(hello.AgentVersion, hello.Protocol, hello.AppliedRevision);
                Raise(StatusChanged);
                break;
            case AppliedEvent applied:
                lock (_stateLock)
                {
                    if (applied.Ok)
                    {
                        Interlocked.Exchange(ref _appliedRevision, applied.Revision);
                        _lastApplyError = null;
                        _lastAppliedAt = time.GetUtcNow();
                    }
                    else
                    {
                        _lastApplyError = string.IsNullOrEmpty(applied.Error) ? $"Revision {applied.Revision} was refused." : applied.Error;
                    }
                }

                if (applied.Ok)
                {
                    LogApplied(applied.Revision, applied.DurationMs);
                }
                else
                {
                    LogApplyFailed(applied.Revision, applied.Error);
                }

                connection.ApplyAnswered(applied.Revision);
                NotifyChanged(); // a newer revision may have been waiting for this one
                Raise(StatusChanged);
                break;
            case InterfacesReply interfaces:
                connection.Complete(connection.InterfaceWaiters, interfaces);
                break;
            case RulesetReply ruleset:
                connection.Complete(connection.RulesetWaiters, ruleset);
                break;
            case NeighboursReply neighbours:
                connection.Complete(connection.NeighbourWaiters, neighbours);
                break;
            case ConntrackSample sample:
                Volatile.Write(ref _latestSample, sample);
                _totals.Add(new ConntrackPoint(sample.SampledAt, sample.Total)); // before the event, so subscribers see it
                Raise(SampleReceived, sample);
                break;
            case CountersSample counters:
                // A duplicate id (never sent by a sound agent) keeps the last one rather than failing the link.
                var hits = new Dictionary<int, RuleHits>();
                foreach (var rule in counters.Rules ?? [])
                {
                    hits[rule.Id] = rule;
                }

                Volatile.Write(ref _latestRuleHits, hits);
                Raise(CountersReceived, counters);
                break;
            case ConfirmStateEvent confirmState:
                // Pushed when a window opens or moves (always a pending revision, no error); a confirm's reply has an
                // error or no pending revision, so only those answer a waiter.
                if (confirmState.Error is null)
                {
                    Volatile.Write(ref _pending, confirmState.Pending);
                }

                if (confirmState.Error is not null || confirmState.Pending is null)
                {
                    connection.Complete(connection.ConfirmWaiters, confirmState);
                }

                Raise(StatusChanged);
                break;
            case RevertedEvent reverted:
                Volatile.Write(ref _pending, null);
                LogReverted(reverted.Reason);
                Raise(Reverted, reverted);
                Raise(StatusChanged);
                break;
            case DriftEvent drift:
                Volatile.Write(ref _lastDrift, drift);
                LogDrift(drift.What, drift.Repaired);
                Raise(DriftDetected, drift);
                break;
            case LogEvent log:
                foreach (var entry in log.Entries ?? [])
                {
                    _logs.Add(entry);
                    Raise(LogReceived, entry);
                }

                break;
        }
    }

    private async Task ApplyLoopAsync(AgentConnection connection, CancellationToken ct)
    {
        NotifyChanged(); // the full snapshot on every connect
        while (true)
        {
            await _changed.Reader.ReadAsync(ct);
            if (connection.ApplyPending(time.GetUtcNow(), _options.ApplyTimeout))
            {
                continue; // its "applied" signals again, and then the newest revision goes out
            }

            (long Revision, GatewayConfig Config)? snapshot;
            int? confirmSeconds = null;
            await using (var scope = scopes.CreateAsyncScope())
            {
                snapshot = await scope.ServiceProvider.GetRequiredService<ConfigService>().SnapshotAsync(ct);
                if (snapshot is { } taken && taken.Revision != connection.LastSentRevision)
                {
                    confirmSeconds = await scope.ServiceProvider.GetRequiredService<StateWriter>().ReadAsync(
                        (db, c) => Confirm.ApplyConfirmation.SecondsForAsync(db, taken.Revision, AppliedRevision, c), ct);
                }
            }

            if (snapshot is not { } newest || newest.Revision == connection.LastSentRevision)
            {
                continue; // nothing to apply before setup; or this revision is already out
            }

            connection.ApplySent(newest.Revision, time.GetUtcNow());
            await connection.SendAsync(new ApplyRequest(newest.Revision, newest.Config, confirmSeconds), ct);
            LogApplySent(newest.Revision);
        }
    }

    /// <summary>Keeps the pending commit-confirmed <paramref name="revision"/>; the reply's error says why not.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public async Task<ConfirmStateEvent> ConfirmAsync(long revision, CancellationToken ct = default)
    {
        var reply = await RequestAsync(new ConfirmRequest(revision), c => c.ConfirmWaiters, ct);
        if (reply.Error is null)
        {
            Volatile.Write(ref _pending, null);
            Raise(StatusChanged);
        }

        return reply;
    }

    private async Task<T> RequestAsync<T>(AgentRequest request, Func<AgentConnection, Queue<TaskCompletionSource<T>>> waiters, CancellationToken ct)
    {
        var connection = _connection;
        if (connection is not { Ready: true })
        {
            throw new AgentUnavailableException("The agent is not connected.");
        }

        var reply = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // Replies carry no correlation id: FIFO per reply type, so enqueue and send under one lock.
            await connection.SendAsync(request, ct, () => connection.Enqueue(waiters(connection), reply));
            return await reply.Task.WaitAsync(_options.RequestTimeout, time, ct);
        }
        catch (TimeoutException ex)
        {
            throw new AgentUnavailableException($"The agent did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidDataException)
        {
            throw new AgentUnavailableException("The connection to the agent broke.", ex);
        }
    }

    private void MarkDisconnected()
    {
        var connection = _connection;
        _connection = null;
        Volatile.Write(ref _latestSample, null);
        Volatile.Write(ref _latestRuleHits, EmptyHits);
        Volatile.Write(ref _pending, null);
        if (connection is not null)
        {
            connection.FailAll(new AgentUnavailableException("The connection to the agent closed."));
            if (connection.Ready)
            {
                LogDisconnected();
                Raise(StatusChanged);
            }
        }
    }

    private void Raise(Action? handler)
    {
        foreach (var subscriber in handler?.GetInvocationList().Cast<Action>() ?? [])
        {
            try
            {
                subscriber();
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(ex);
            }
        }
    }

    private void Raise<T>(Action<T>? handler, T value)
    {
        foreach (var subscriber in handler?.GetInvocationList().Cast<Action<T>>() ?? [])
        {
            try
            {
                subscriber(value);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(ex);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "The agent reverted an unconfirmed apply: {Reason}.")]
    private partial void LogReverted(string reason);

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

    [LoggerMessage(LogLevel.Debug, "Sent revision {Revision} to the agent.")]
    private partial void LogApplySent(long revision);

    [LoggerMessage(LogLevel.Information, "Agent applied revision {Revision} in {DurationMs} ms.")]
    private partial void LogApplied(long revision, double durationMs);

    [LoggerMessage(LogLevel.Warning, "Agent refused revision {Revision}: {Error}")]
    private partial void LogApplyFailed(long revision, string? error);

    [LoggerMessage(LogLevel.Warning, "The agent found its nftables table changed under it ({What}); repaired: {Repaired}.")]
    private partial void LogDrift(string what, bool repaired);

    [LoggerMessage(LogLevel.Error, "An agent-link subscriber threw.")]
    private partial void LogSubscriberFailed(Exception ex);

    /// <summary>Connection counts of the latest sample keyed by entry id (the first wins should an id repeat).</summary>
    private static Dictionary<int, long> ById(IReadOnlyList<ForwardConnections>? entries)
    {
        var counts = new Dictionary<int, long>();
        foreach (var entry in entries ?? [])
        {
            counts.TryAdd(entry.Id, entry.Connections);
        }

        return counts;
    }
}

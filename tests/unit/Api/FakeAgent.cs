using System.Net.Sockets;
using System.Threading.Channels;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// A tiny agent on a real Unix socket, speaking the real framing: records every request, answers hello,
/// applies (optionally held back or refused), interfaces and ruleset, and can push events.
/// </summary>
internal sealed class FakeAgent : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private Stream? _client;

    // The id of the request ServeAsync's switch is answering (0 outside it): SendAsync names it in the reply.
    private long _answering;

    public FakeAgent(string socketPath, long appliedRevisionAtHello = 0)
    {
        AppliedRevisionAtHello = appliedRevisionAtHello;
        File.Delete(socketPath);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(4);
        _acceptLoop = AcceptLoopAsync();
    }

    public long AppliedRevisionAtHello { get; }

    public Channel<AgentRequest> Received { get; } = Channel.CreateUnbounded<AgentRequest>();

    public List<ApplyRequest> Applies { get; } = [];

    /// <summary>When set, applies are answered only after this is released (one release per apply).</summary>
    public SemaphoreSlim? ApplyGate { get; set; }

    /// <summary>What <c>get-leases</c> answers.</summary>
    public IReadOnlyList<DhcpLease> Leases { get; set; } = [];

    /// <summary>The answer to get-wan-status; null: no answer (an agent from before the WAN frame).</summary>
    public WanStatusReply? WanStatus { get; set; }

    /// <summary>What <c>get-neighbours</c> answers.</summary>
    public IReadOnlyList<Neighbour> Neighbours { get; set; } = [];

    /// <summary>The answer to <c>get-devices</c>; an empty one when null.</summary>
    public DevicesReply? Devices { get; set; }

    /// <summary>The conntrack table list-connections answers from (every row, whatever the filters); kill-connection removes one.</summary>
    public List<ConnectionRow> Connections { get; } = [];

    /// <summary>What <c>get-blocked-sources</c> answers; <c>free-blocked-source</c> removes one by address.</summary>
    public List<BlockedSource> BlockedSources { get; } = [];

    /// <summary>What <c>get-interfaces</c> answers.</summary>
    public IReadOnlyList<LinkInfo> Interfaces { get; set; } = [new LinkInfo("br-lan", "02:00:00:00:00:01", ["192.168.1.1/24"], true)];

    /// <summary>What <c>get-interfaces</c> answers as the addresses the agent itself added (1:1 NAT).</summary>
    public IReadOnlyList<string>? AgentAddresses { get; set; }

    /// <summary>True once the web has connected (frames can be pushed).</summary>
    public bool HasClient => _client is not null;

    /// <summary>The protocol its hello reports: 1 (the default) has the web send whole configs only.</summary>
    public int Protocol { get; set; } = 1;

    /// <summary><c>apply-delta</c> frames received (protocol 2); each is also recorded in <see cref="Applies"/> as the whole apply it stands for.</summary>
    public List<ApplyDeltaRequest> Deltas { get; } = [];

    /// <summary>When set, every <c>apply-delta</c> is answered with a resync request.</summary>
    public bool RefuseDeltas { get; set; }

    // The config of the last apply answered ok (what a delta applies to), with its revision.
    private ApplyRequest? _held;

    /// <summary>When set, applies are refused with this message.</summary>
    public string? RefuseWith { get; set; }

    public Task PushAsync(AgentEvent agentEvent) => WriteAsync(agentEvent, _stop.Token);

    /// <summary>Sends a frame with an arbitrary body (for malformed-frame tests).</summary>
    public async Task PushRawAsync(byte[] body)
    {
        await _writeLock.WaitAsync(_stop.Token);
        try
        {
            await Framing.WriteAsync(_client ?? throw new InvalidOperationException("No client yet."), body, _stop.Token);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Waits for the next request of type <typeparamref name="T"/>, skipping others.</summary>
    public async Task<T> NextAsync<T>()
        where T : AgentRequest
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await Received.Reader.ReadAsync(timeout.Token) is T match)
            {
                return match;
            }
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptAsync(_stop.Token);
                _ = ServeAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        _client = stream;
        try
        {
            while (await Framing.ReadAsync(stream, _stop.Token) is { } body)
            {
                var request = AgentProtocol.DeserializeRequest(body);
                await Received.Writer.WriteAsync(request);
                _answering = request.Id;
                switch (request)
                {
                    case HelloRequest:
                        await SendAsync(new HelloReply(Protocol, "fake-1.0", AppliedRevisionAtHello), _stop.Token);
                        break;
                    case ApplyRequest apply:
                        lock (Applies)
                        {
                            Applies.Add(apply);
                        }

                        _ = AnswerApplyAsync(apply);
                        break;
                    case ApplyDeltaRequest delta:
                        await AnswerDeltaAsync(delta);
                        break;
                    case GetInterfacesRequest:
                        await SendAsync(new InterfacesReply(Interfaces, AgentAddresses), _stop.Token);
                        break;
                    case GetNeighboursRequest:
                        await SendAsync(new NeighboursReply(Neighbours), _stop.Token);
                        break;
                    case GetLeasesRequest:
                        await SendAsync(new LeasesReply(Leases), _stop.Token);
                        break;
                    case ListConnectionsRequest:
                        await SendAsync(new ConnectionsReply([.. Connections], null, Connections.Count), _stop.Token);
                        break;
                    case KillConnectionRequest kill:
                        await SendAsync(new ConnectionKilledReply(kill.ConnectionId, Connections.RemoveAll(c => c.Id == kill.ConnectionId) > 0), _stop.Token);
                        break;
                    case GetDevicesRequest:
                        await SendAsync(Devices ?? new DevicesReply([], [], [], "fake", 0, DateTimeOffset.UtcNow), _stop.Token);
                        break;
                    case GetBlockedSourcesRequest:
                        await SendAsync(new BlockedSourcesReply([.. BlockedSources]), _stop.Token);
                        break;
                    case FreeBlockedSourceRequest free:
                        var freed = BlockedSources.RemoveAll(b => b.Address == free.Address) > 0;
                        await SendAsync(new BlockedSourcesReply([.. BlockedSources], freed), _stop.Token);
                        break;
                    case GetRulesetRequest:
                        await SendAsync(new RulesetReply("table inet gateway {\n}\n"), _stop.Token);
                        break;
                    case ResetQuotaRequest reset:
                        await SendAsync(new QuotaResetReply(reset.RuleId, true), _stop.Token);
                        break;
                    case GetWanStatusRequest when WanStatus is not null:
                        await SendAsync(WanStatus, _stop.Token);
                        break;
                }

                _answering = 0;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerApplyAsync(ApplyRequest apply)
    {
        if (ApplyGate is { } gate)
        {
            await gate.WaitAsync(_stop.Token);
        }

        var refused = RefuseWith;
        var digest = refused is null ? $"digest-of-{apply.Revision}" : null;
        if (refused is null)
        {
            _held = apply;
        }

        await WriteAsync(new AppliedEvent(apply.Revision, refused is null, refused, 1.5, digest) { ReplyTo = apply.Id }, _stop.Token);
    }

    private async Task AnswerDeltaAsync(ApplyDeltaRequest delta)
    {
        lock (Deltas)
        {
            Deltas.Add(delta);
        }

        var held = _held;
        var config = held is null || RefuseDeltas || delta.Base != held.Revision || delta.BaseDigest != $"digest-of-{held.Revision}"
            ? null
            : ConfigDelta.Apply(held.Config, delta.Changes, out _);
        if (config is null)
        {
            await SendAsync(new AppliedEvent(delta.Revision, false, "Send the whole config.", 0.5, Resync: true), _stop.Token);
            return;
        }

        var apply = new ApplyRequest(delta.Revision, config, delta.ConfirmSeconds) { Id = delta.Id };
        lock (Applies)
        {
            Applies.Add(apply);
        }

        await AnswerApplyAsync(apply);
    }

    /// <summary>A reply to the request being handled: it names that request.</summary>
    private Task SendAsync(AgentEvent reply, CancellationToken ct) =>
        WriteAsync(reply.ReplyTo is null && _answering != 0 ? reply with { ReplyTo = _answering } : reply, ct);

    private async Task WriteAsync(AgentEvent agentEvent, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            await Framing.WriteAsync(_client ?? throw new InvalidOperationException("No client yet."), AgentProtocol.Serialize(agentEvent), ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        if (_client is { } client)
        {
            await client.DisposeAsync();
        }

        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}

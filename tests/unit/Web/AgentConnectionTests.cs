using System.Net.Sockets;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Web;

/// <summary>Request/reply matching of one agent connection, over a real Unix socket pair with the test as the agent.</summary>
public sealed class AgentConnectionTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"gw-conn-{Environment.ProcessId}-{Guid.NewGuid():N}.sock");
    private readonly CancellationTokenSource _stop = new();
    private readonly List<AgentEvent> _seen = [];
    private Socket? _webSocket;
    private Socket? _agentSocket;
    private NetworkStream? _agent;
    private AgentConnection? _connection;
    private Task? _reader;

    public async Task InitializeAsync()
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(_path));
        listener.Listen(1);
        _webSocket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await _webSocket.ConnectAsync(new UnixDomainSocketEndPoint(_path));
        _agentSocket = await listener.AcceptAsync();
        _agent = new NetworkStream(_agentSocket, ownsSocket: false);
        _connection = new AgentConnection(new NetworkStream(_webSocket, ownsSocket: false), 1, TimeProvider.System);
        _reader = _connection.ReadLoopAsync(e => { lock (_seen) { _seen.Add(e); } }, _stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _webSocket?.Dispose();
        _agentSocket?.Dispose();
        try
        {
            await _reader!;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }

        File.Delete(_path);
    }

    private async Task<AgentRequest> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Long);
        return AgentProtocol.DeserializeRequest((await Framing.ReadAsync(_agent!, timeout.Token))!);
    }

    private Task AnswerAsync(AgentEvent reply) => Framing.WriteAsync(_agent!, AgentProtocol.Serialize(reply)).AsTask();

    /// <summary>The agent's hello, naming the request it answers.</summary>
    private async Task HelloAsync()
    {
        var hello = _connection!.RequestAsync<HelloReply>(new HelloRequest(AgentProtocol.Version) { Id = 1 }, Long, CancellationToken.None);
        var request = await ReceiveAsync();
        await AnswerAsync(new HelloReply(AgentProtocol.Version, "test", 0) { ReplyTo = request.Id });
        await hello.WaitAsync(Long);
    }

    [Fact]
    public async Task Replies_arriving_out_of_order_complete_the_requests_they_name()
    {
        await HelloAsync();
        var first = _connection!.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 10 }, Long, CancellationToken.None);
        var second = _connection.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 11 }, Long, CancellationToken.None);
        var third = _connection.RequestAsync<NeighboursReply>(new GetNeighboursRequest { Id = 12 }, Long, CancellationToken.None);
        var sent = new[] { await ReceiveAsync(), await ReceiveAsync(), await ReceiveAsync() };
        Assert.Equal([10L, 11, 12], sent.Select(r => r.Id).Order());

        await AnswerAsync(new NeighboursReply([]) { ReplyTo = 12 });
        await AnswerAsync(new RulesetReply("second") { ReplyTo = 11 });
        await AnswerAsync(new RulesetReply("first") { ReplyTo = 10 });

        Assert.Equal("first", (await first.WaitAsync(Long)).Text);
        Assert.Equal("second", (await second.WaitAsync(Long)).Text);
        Assert.Empty((await third.WaitAsync(Long)).Neighbours);
        Assert.Equal(0, _connection.PendingCount);
    }

    [Fact]
    public async Task A_lost_connection_fails_every_pending_request_as_agent_unavailable()
    {
        await HelloAsync();
        var ruleset = _connection!.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 20 }, Long, CancellationToken.None);
        var interfaces = _connection.RequestAsync<InterfacesReply>(new GetInterfacesRequest { Id = 21 }, Long, CancellationToken.None);
        await ReceiveAsync();
        await ReceiveAsync();

        _agentSocket!.Shutdown(SocketShutdown.Both);

        await Assert.ThrowsAsync<AgentUnavailableException>(() => ruleset.WaitAsync(Long));
        await Assert.ThrowsAsync<AgentUnavailableException>(() => interfaces.WaitAsync(Long));
        await Assert.ThrowsAsync<IOException>(() => _reader!.WaitAsync(Long));
        await Assert.ThrowsAsync<AgentUnavailableException>(() => _connection.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 22 }, Long, CancellationToken.None));
    }

    [Fact]
    public async Task A_reply_after_its_request_timed_out_is_dropped_and_completes_no_later_request()
    {
        await HelloAsync();
        var early = _connection!.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 30 }, TimeSpan.FromMilliseconds(100), CancellationToken.None);
        await ReceiveAsync();
        await Assert.ThrowsAsync<AgentUnavailableException>(() => early);

        var later = _connection.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 31 }, Long, CancellationToken.None);
        await ReceiveAsync();
        await AnswerAsync(new RulesetReply("late") { ReplyTo = 30 });
        await AnswerAsync(new RulesetReply("on time") { ReplyTo = 31 });

        Assert.Equal("on time", (await later.WaitAsync(Long)).Text);
        lock (_seen)
        {
            Assert.Contains(_seen, e => e is RulesetReply { Text: "late" }); // still seen by the link's listeners
        }
    }

    [Fact]
    public async Task A_reply_of_another_type_than_asked_fails_that_request()
    {
        await HelloAsync();
        var ruleset = _connection!.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 40 }, Long, CancellationToken.None);
        await ReceiveAsync();

        await AnswerAsync(new NeighboursReply([]) { ReplyTo = 40 });

        await Assert.ThrowsAsync<AgentUnavailableException>(() => ruleset.WaitAsync(Long));
    }

    [Fact]
    public async Task Replies_and_pushed_frames_without_an_id_complete_nothing_even_a_hello()
    {
        // Every request carries an id, so a reply without one is never matched by its type and order.
        var hello = _connection!.RequestAsync<HelloReply>(new HelloRequest(AgentProtocol.Version) { Id = 1 }, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        await ReceiveAsync();
        await AnswerAsync(new HelloReply(AgentProtocol.Version, "test", 0));
        await Assert.ThrowsAsync<AgentUnavailableException>(() => hello);

        var ruleset = _connection.RequestAsync<RulesetReply>(new GetRulesetRequest { Id = 50 }, Long, CancellationToken.None);
        await ReceiveAsync();
        await AnswerAsync(new DriftEvent(DateTimeOffset.UtcNow, "pushed", true));
        await AnswerAsync(new RulesetReply("no id"));
        await AnswerAsync(new RulesetReply("named") { ReplyTo = 50 });

        Assert.Equal("named", (await ruleset.WaitAsync(Long)).Text);
    }

    [Fact]
    public async Task Against_an_agent_that_echoes_ids_a_reply_without_one_completes_nothing()
    {
        await HelloAsync();
        var pending = _connection!.RequestAsync<AppliedEvent>(new ApplyRequest(3, AppliedStateTests.Config) { Id = 60 }, Long, CancellationToken.None);
        await ReceiveAsync();

        // Another client's apply, broadcast: not the answer to this one.
        await AnswerAsync(new AppliedEvent(9, true, null, 1));
        await AnswerAsync(new AppliedEvent(3, true, null, 1) { ReplyTo = 60 });

        Assert.Equal(3, (await pending.WaitAsync(Long)).Revision);
    }
}

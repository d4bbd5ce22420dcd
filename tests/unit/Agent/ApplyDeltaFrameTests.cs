using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Gateway.Agent;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

using static Gateway.Tests.Unit.Agent.ForwardConfigs;

namespace Gateway.Tests.Unit.Agent;

/// <summary><c>apply-delta</c> through the agent's socket server, over a fake kernel.</summary>
[SupportedOSPlatform("linux")]
public sealed class ApplyDeltaFrameTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-delta-frame-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRulesetKernel _kernel = new();
    private AgentServer? _server;
    private RulesetManager? _manager;
    private Socket? _socket;
    private long _id;

    private string SocketPath => Path.Combine(_directory, "run", "agent.sock");

    public async Task InitializeAsync()
    {
        var options = new AgentOptions(SocketPath, Path.Combine(_directory, "state"), [ThisUser.Uid]);
        _manager = new RulesetManager(_kernel, new LastGoodStore(options.StateDir), NullLogger<RulesetManager>.Instance);
        _server = new AgentServer(options, _manager, new NftApplier(), new ClientHub(), NullLogger<AgentServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
        _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await _socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
    }

    public async Task DisposeAsync()
    {
        _socket?.Dispose();
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task<T> AskAsync<T>(AgentRequest request)
        where T : AgentEvent
    {
        using var stream = new NetworkStream(_socket!, ownsSocket: false);
        var id = ++_id;
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(request with { Id = id }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reply = AgentProtocol.DeserializeEvent((await Framing.ReadAsync(stream, timeout.Token))!);
        Assert.Equal(id, reply.ReplyTo);
        return Assert.IsType<T>(reply);
    }

    private static ListChange Put(Gateway.Shared.Config.PortForward forward) =>
        new("portForwards", ListChange.Put, forward.Id, JsonSerializer.SerializeToElement(forward, AgentJsonContext.Default.PortForward));

    [Fact]
    public async Task A_delta_over_the_held_revision_applies_the_result_as_a_whole_apply_would()
    {
        var first = await AskAsync<AppliedEvent>(new ApplyRequest(1, Config(Forward(1, 8080))));
        Assert.True(first.Ok, first.Error);

        var applied = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(2, 1, first.ConfigDigest, [Put(Forward(2, 2222))]));

        Assert.True(applied.Ok, applied.Error);
        Assert.False(applied.Resync);
        Assert.Equal(2, _manager!.AppliedRevision);
        Assert.Equal([1, 2], _manager.AppliedConfig!.PortForwards.Select(f => f.Id));
        Assert.Single(_kernel.Replaced); // an element update, as for the whole config
        Assert.Single(_kernel.ElementUpdates);
        Assert.Equal(2, new LastGoodStore(Path.Combine(_directory, "state")).Load()!.Revision);
        Assert.NotNull(applied.ConfigDigest);
        Assert.NotEqual(first.ConfigDigest, applied.ConfigDigest);
        var hello = await AskAsync<HelloReply>(new HelloRequest(AgentProtocol.Version));
        Assert.Equal(AgentProtocol.DeltaVersion, hello.Protocol);
        Assert.Equal((2, applied.ConfigDigest), (hello.AppliedRevision, hello.ConfigDigest));

        var deleted = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(3, 2, applied.ConfigDigest, [new ListChange("portForwards", ListChange.Delete, 1)]));
        Assert.True(deleted.Ok, deleted.Error);
        Assert.Equal([2], _manager.AppliedConfig!.PortForwards.Select(f => f.Id));
    }

    [Fact]
    public async Task A_delta_frame_goes_to_the_last_good_journal_and_recovers_to_the_applied_config()
    {
        var forwards = Enumerable.Range(1, 30).Select(i => Forward(i, 8000 + i)).ToArray();
        var first = await AskAsync<AppliedEvent>(new ApplyRequest(1, Config(forwards)));
        Assert.True(first.Ok, first.Error);

        var applied = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(2, 1, first.ConfigDigest, [Put(Forward(31, 2222))]));

        Assert.True(applied.Ok, applied.Error);
        var state = Path.Combine(_directory, "state");
        Assert.True(File.Exists(Path.Combine(state, LastGoodStore.JournalFileName)));
        var recovery = new LastGoodStore(state).Recover();
        Assert.Equal((1L, 1, 2L), (recovery.SnapshotRevision, recovery.Replayed, recovery.State!.Revision));
        Assert.Equal(
            JsonSerializer.Serialize(_manager!.AppliedConfig, AgentJsonContext.Default.GatewayConfig),
            JsonSerializer.Serialize(recovery.State.Config, AgentJsonContext.Default.GatewayConfig));
    }

    [Fact]
    public async Task Without_a_held_config_a_delta_asks_for_the_whole_one()
    {
        var reply = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(2, 1, null, [Put(Forward(2, 2222))]));

        Assert.False(reply.Ok);
        Assert.True(reply.Resync);
        Assert.Equal(0, _manager!.AppliedRevision);
        Assert.Empty(_kernel.Replaced);
    }

    public static TheoryData<string, long, bool, string> Refused => new()
    {
        { "another base revision", 5, true, "The agent holds revision 1" },
        { "another base digest", 1, false, "The agent holds revision 1" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_delta_over_another_base_is_not_tried(string what, long baseRevision, bool rightDigest, string error)
    {
        var first = await AskAsync<AppliedEvent>(new ApplyRequest(1, Config(Forward(1, 8080))));

        var reply = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(2, baseRevision, rightDigest ? first.ConfigDigest : "0123", [Put(Forward(2, 2222))]));

        Assert.False(reply.Ok, what);
        Assert.True(reply.Resync);
        Assert.StartsWith(error, reply.Error, StringComparison.Ordinal);
        Assert.Equal(1, _manager!.AppliedRevision);
        Assert.Single(_kernel.Replaced);
        Assert.Empty(_kernel.ElementUpdates);
    }

    [Fact]
    public async Task A_change_that_makes_no_sense_is_answered_as_invalid_and_nothing_is_applied()
    {
        var first = await AskAsync<AppliedEvent>(new ApplyRequest(1, Config(Forward(1, 8080))));

        var reply = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(2, 1, first.ConfigDigest, [new ListChange("sockets", ListChange.Delete, 1)]));

        Assert.False(reply.Ok);
        Assert.True(reply.Resync);
        Assert.StartsWith("Invalid delta: changes[0].list", reply.Error, StringComparison.Ordinal);
        Assert.Equal(1, _manager!.AppliedRevision);
        Assert.Single(_kernel.Replaced);
    }

    [Fact]
    public async Task A_delta_whose_result_is_invalid_is_refused_by_the_validator_like_the_whole_config()
    {
        var first = await AskAsync<AppliedEvent>(new ApplyRequest(1, Config(Forward(1, 8080))));

        var reply = await AskAsync<AppliedEvent>(new ApplyDeltaRequest(2, 1, first.ConfigDigest, [Put(Forward(2, 2222, "not an address"))]));
        var whole = _manager!.AppliedRevision;

        Assert.False(reply.Ok);
        Assert.False(reply.Resync);
        Assert.StartsWith("Invalid configuration:", reply.Error, StringComparison.Ordinal);
        Assert.Equal(1, whole);
        Assert.Single(_kernel.Replaced);
        Assert.Empty(_kernel.ElementUpdates);
    }
}

using System.Buffers.Binary;
using System.Net.Sockets;
using System.Runtime.Versioning;
using Gateway.Agent;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The agent socket's limits and its truth about the kernel, on a real Unix socket with the manager over a fake
/// kernel: connections are bounded, a stalled frame is cut, replies name their request, and every client hears
/// every apply with the digest of the config applied.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AgentSocketLimitsTests : IAsyncLifetime
{
    private static readonly SocketLimits Limits = new(MaxConnections: 2, FrameTimeout: TimeSpan.FromMilliseconds(300));

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-agent-limits-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly List<Socket> _sockets = [];
    private AgentServer? _server;

    private string SocketPath => Path.Combine(_directory, "agent.sock");

    public async Task InitializeAsync()
    {
        var options = new AgentOptions(SocketPath, Path.Combine(_directory, "state"), [ThisUser.Uid]);
        var manager = new RulesetManager(new FakeRulesetKernel(), new LastGoodStore(options.StateDir), NullLogger<RulesetManager>.Instance);
        _server = new AgentServer(options, manager, new NftApplier(), new ClientHub(), NullLogger<AgentServer>.Instance, Limits);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _sockets.Add(socket);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    private static async Task SendAsync(Socket socket, AgentRequest request)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(request));
    }

    /// <summary>The next frame, or null when the agent closed (or reset) the connection.</summary>
    private static async Task<AgentEvent?> ReadEventAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var body = await Framing.ReadAsync(stream, timeout.Token);
            return body is null ? null : AgentProtocol.DeserializeEvent(body);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A connection the agent serves: it answered hello (so it is past accept and counted).</summary>
    private async Task<Socket> HelloAsync()
    {
        var socket = await ConnectAsync();
        await SendAsync(socket, new HelloRequest(AgentProtocol.Version) { Id = 1 });
        Assert.IsType<HelloReply>(await ReadEventAsync(socket));
        return socket;
    }

    private static GatewayConfig Config(int forwardPort) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        [new PortForward(1, "web", true, ForwardProtocol.Tcp, forwardPort, null, "192.168.1.20", 80, null)],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default);

    [Fact]
    public async Task A_connection_beyond_the_limit_is_closed_at_accept_and_a_freed_slot_is_served_again()
    {
        var first = await HelloAsync();
        await HelloAsync();

        var third = await ConnectAsync();
        Assert.Null(await ReadEventAsync(third));

        first.Dispose();
        // The slot frees once the agent noticed the hang-up; retry until it serves (a hang guard, not a timing assert).
        for (var attempt = 0; ; attempt++)
        {
            var again = await ConnectAsync();
            try
            {
                await SendAsync(again, new HelloRequest(AgentProtocol.Version));
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                // Closed at accept before the write.
            }

            if (await ReadEventAsync(again) is HelloReply)
            {
                break;
            }

            Assert.True(attempt < 200, "A freed slot was never served again.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_frame_not_completed_in_time_closes_that_connection()
    {
        var socket = await ConnectAsync();
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, 15 * 1024 * 1024);
        await socket.SendAsync(header);
        await socket.SendAsync(new byte[64 * 1024]);

        Assert.Null(await ReadEventAsync(socket));
    }

    [Fact]
    public async Task A_connection_idle_between_frames_stays_open()
    {
        var socket = await HelloAsync();

        await Task.Delay(Limits.FrameTimeout * 3);

        await SendAsync(socket, new HelloRequest(AgentProtocol.Version) { Id = 2 });
        Assert.Equal(2, Assert.IsType<HelloReply>(await ReadEventAsync(socket)).ReplyTo);
    }

    [Fact]
    public async Task Replies_name_the_request_they_answer_and_requests_without_an_id_get_none()
    {
        var socket = await ConnectAsync();

        await SendAsync(socket, new HelloRequest(AgentProtocol.Version) { Id = 41 });
        Assert.Equal(41, Assert.IsType<HelloReply>(await ReadEventAsync(socket)).ReplyTo);
        await SendAsync(socket, new GetNeighboursRequest { Id = 42 });
        Assert.Equal(42, Assert.IsType<NeighboursReply>(await ReadEventAsync(socket)).ReplyTo);
        await SendAsync(socket, new GetNeighboursRequest());
        Assert.Null(Assert.IsType<NeighboursReply>(await ReadEventAsync(socket)).ReplyTo);
    }

    [Fact]
    public async Task Every_client_hears_every_apply_with_the_digest_of_the_config_sent_and_hello_reports_it()
    {
        var web = await HelloAsync();
        var other = await HelloAsync();
        var config = Config(8080);
        var request = new ApplyRequest(7, config) { Id = 9 };

        await SendAsync(other, request);

        var reply = Assert.IsType<AppliedEvent>(await ReadEventAsync(other));
        var heard = Assert.IsType<AppliedEvent>(await ReadEventAsync(web));
        Assert.True(reply.Ok, reply.Error);
        Assert.Equal(9, reply.ReplyTo);
        Assert.Null(heard.ReplyTo); // not the web's request
        Assert.Equal(7, heard.Revision);
        Assert.Equal(ConfigDigest.OfApplyFrame(AgentProtocol.Serialize(request)), reply.ConfigDigest);
        Assert.Equal(ConfigDigest.Of(config), reply.ConfigDigest);
        Assert.Equal(reply.ConfigDigest, heard.ConfigDigest);

        // The same revision with another config is another digest: the web can tell it is not its state.
        await SendAsync(other, new ApplyRequest(7, Config(9090)) { Id = 10 });
        Assert.True(Assert.IsType<AppliedEvent>(await ReadEventAsync(other)).Ok);
        var foreign = Assert.IsType<AppliedEvent>(await ReadEventAsync(web));
        Assert.NotEqual(reply.ConfigDigest, foreign.ConfigDigest);

        await SendAsync(web, new HelloRequest(AgentProtocol.Version) { Id = 11 });
        var hello = Assert.IsType<HelloReply>(await ReadEventAsync(web));
        Assert.Equal(7, hello.AppliedRevision);
        Assert.Equal(foreign.ConfigDigest, hello.ConfigDigest);
    }

    [Fact]
    public async Task A_refused_apply_is_heard_by_every_client_too()
    {
        var web = await HelloAsync();
        var other = await HelloAsync();

        await SendAsync(other, new ApplyRequest(3, Config(8080) with { Network = new NetworkSettings("wan0", "no-such-lan", "192.168.1.1/24") }) { Id = 5 });

        Assert.False(Assert.IsType<AppliedEvent>(await ReadEventAsync(other)).Ok);
        var heard = Assert.IsType<AppliedEvent>(await ReadEventAsync(web));
        Assert.False(heard.Ok);
        Assert.Null(heard.ConfigDigest);
    }
}

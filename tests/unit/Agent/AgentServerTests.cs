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
/// The socket server on a real Unix socket in a temp directory. Nothing here reaches the kernel's
/// firewall: the only apply sent is invalid, which the agent must refuse before touching nft.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class AgentServerTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-agent-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private AgentServer? _server;

    private string SocketPath => Path.Combine(_directory, "run", "agent.sock");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private async Task StartAsync(params uint[] allowedUids)
    {
        var options = new AgentOptions(SocketPath, Path.Combine(_directory, "state"), allowedUids);
        var manager = new RulesetManager(new RulesetKernel(new NftApplier()), new LastGoodStore(options.StateDir), NullLogger<RulesetManager>.Instance);
        _server = new AgentServer(options, manager, new NftApplier(), new ClientHub(), NullLogger<AgentServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        return socket;
    }

    private static async Task<AgentEvent?> ReadEventAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            // Inside the try: NetworkStream refuses a socket the agent has already shut down.
            using var stream = new NetworkStream(socket, ownsSocket: false);
            var body = await Framing.ReadAsync(stream, timeout.Token);
            return body is null ? null : AgentProtocol.DeserializeEvent(body);
        }
        catch (IOException)
        {
            return null; // reset by the agent: closed just the same
        }
    }

    private static async Task SendAsync(Socket socket, AgentRequest request)
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(request));
    }

    private static async Task SendRawAsync(Socket socket, byte[] bytes) => await socket.SendAsync(bytes);

    private async Task AssertAgentStillAnswersAsync()
    {
        using var socket = await ConnectAsync();
        await SendAsync(socket, new HelloRequest(AgentProtocol.Version));
        var reply = Assert.IsType<HelloReply>(await ReadEventAsync(socket));
        Assert.Equal(AgentProtocol.Version, reply.Protocol);
    }

    [Fact]
    public async Task Hello_is_answered_with_protocol_version_and_applied_revision()
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();

        await SendAsync(socket, new HelloRequest(1));
        var reply = Assert.IsType<HelloReply>(await ReadEventAsync(socket));

        Assert.Equal(AgentProtocol.Version, reply.Protocol);
        Assert.Equal(0, reply.AppliedRevision);
        Assert.False(string.IsNullOrEmpty(reply.AgentVersion));
    }

    [Fact]
    public async Task The_socket_is_mode_0660_and_a_stale_socket_file_is_replaced()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        await File.WriteAllTextAsync(SocketPath, "left over by a killed agent");

        await StartAsync(ThisUser.Uid);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(SocketPath));
        await AssertAgentStillAnswersAsync();
    }

    [Fact]
    public async Task Malformed_json_closes_that_connection_and_the_agent_keeps_serving()
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();
        var body = "{\"type\":\"hello\",\"protocol\":"u8.ToArray();
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);

        await SendRawAsync(socket, frame);

        Assert.Null(await ReadEventAsync(socket));
        await AssertAgentStillAnswersAsync();
    }

    [Fact]
    public async Task An_oversized_frame_closes_that_connection_without_reading_it()
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();

        await SendRawAsync(socket, [0x7f, 0xff, 0xff, 0xff]);

        Assert.Null(await ReadEventAsync(socket));
        await AssertAgentStillAnswersAsync();
    }

    [Fact]
    public async Task An_unknown_frame_type_closes_that_connection()
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();
        var body = "{\"type\":\"format-disk\"}"u8.ToArray();
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);

        await SendRawAsync(socket, frame);

        Assert.Null(await ReadEventAsync(socket));
        await AssertAgentStillAnswersAsync();
    }

    [Fact]
    public async Task A_peer_whose_uid_is_not_allowed_is_closed_before_any_frame_is_read()
    {
        await StartAsync(ThisUser.Stranger);
        using var socket = await ConnectAsync();

        try
        {
            await SendAsync(socket, new HelloRequest(1));
        }
        catch (IOException)
        {
            // The agent may already have closed the connection (broken pipe): refused just the same.
        }

        Assert.Null(await ReadEventAsync(socket));
    }

    [Fact]
    public async Task An_invalid_config_is_refused_with_the_validation_text_and_nothing_applied()
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();
        var config = new GatewayConfig(
            new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
            [new PortForward(1, "bad", true, ForwardProtocol.Tcp, 80, null, "10.9.9.9", null, null)],
            [],
            new MacPolicy(MacFilterMode.Off),
            LoggingPolicy.Default);

        await SendAsync(socket, new ApplyRequest(3, config));
        var applied = Assert.IsType<AppliedEvent>(await ReadEventAsync(socket));

        Assert.False(applied.Ok);
        Assert.Equal(3, applied.Revision);
        Assert.Contains("portForwards[0].internalAddress", applied.Error, StringComparison.Ordinal);
        await SendAsync(socket, new HelloRequest(1));
        Assert.Equal(0, Assert.IsType<HelloReply>(await ReadEventAsync(socket)).AppliedRevision);
        Assert.False(File.Exists(Path.Combine(_directory, "state", LastGoodStore.FileName)));
    }

    [Theory]
    [InlineData("{\"type\":\"apply\",\"revision\":1}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":null}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{\"network\":null,\"portForwards\":null,\"macFilters\":null,\"macPolicy\":null,\"logging\":null}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{\"network\":{\"wanInterface\":\"wan0\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":true},\"portForwards\":[null],\"macFilters\":[null],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{\"droppedInput\":\"off\",\"droppedForward\":\"off\",\"portForwards\":\"off\",\"macFilter\":\"off\",\"ratePerMinute\":60,\"burst\":10}}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{\"network\":{\"wanInterface\":\"wan0\\\" ; flush ruleset ; \\\"\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\"},\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{\"droppedInput\":\"off\",\"droppedForward\":\"off\",\"portForwards\":\"off\",\"macFilter\":\"off\",\"ratePerMinute\":60,\"burst\":10}}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{\"network\":{\"wanInterface\":null,\"lanInterface\":null,\"lanAddress\":null},\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{\"droppedInput\":\"off\",\"droppedForward\":\"off\",\"portForwards\":\"off\",\"macFilter\":\"off\",\"ratePerMinute\":60,\"burst\":10}}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{\"network\":{\"wanInterface\":\"wan0\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":true},\"portForwards\":[{\"id\":1,\"name\":\"x\",\"protocol\":\"icmp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.2\"}],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{\"droppedInput\":\"off\",\"droppedForward\":\"off\",\"portForwards\":\"off\",\"macFilter\":\"off\",\"ratePerMinute\":60,\"burst\":10}}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1,\"config\":{\"network\":{\"wanInterface\":\"wan0\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":true},\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":7},\"logging\":null}}")]
    [InlineData("{\"type\":\"apply\",\"revision\":\"1\",\"config\":null}")]
    [InlineData("{\"type\":\"apply\",\"revision\":1e400,\"config\":null}")]
    [InlineData("{\"type\":null}")]
    [InlineData("{\"type\":[\"hello\"]}")]
    [InlineData("{\"protocol\":1}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"hello\"")]
    public async Task Well_formed_json_of_the_wrong_shape_is_refused_or_closes_the_connection_and_never_applies(string json)
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);

        await SendRawAsync(socket, frame);
        var answer = await ReadEventAsync(socket);

        // Either the connection closed (null) or the apply was refused; never applied, never a crash.
        if (answer is not null)
        {
            Assert.False(Assert.IsType<AppliedEvent>(answer).Ok);
        }

        Assert.False(File.Exists(Path.Combine(_directory, "state", LastGoodStore.FileName)));
        await AssertAgentStillAnswersAsync();
    }

    [Fact]
    public async Task A_deeply_nested_frame_closes_the_connection_and_the_agent_keeps_serving()
    {
        await StartAsync(ThisUser.Uid);
        using var socket = await ConnectAsync();
        var body = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}");
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, 4);

        await SendRawAsync(socket, frame);

        Assert.Null(await ReadEventAsync(socket));
        await AssertAgentStillAnswersAsync();
    }

    [Fact]
    public async Task Several_clients_are_served_at_once()
    {
        await StartAsync(ThisUser.Uid);
        var sockets = new List<Socket>();
        for (var i = 0; i < 5; i++)
        {
            sockets.Add(await ConnectAsync());
        }

        try
        {
            // Send on all first, so each answer proves its connection is being served concurrently.
            foreach (var socket in sockets)
            {
                await SendAsync(socket, new GetInterfacesRequest());
            }

            foreach (var socket in sockets)
            {
                var reply = Assert.IsType<InterfacesReply>(await ReadEventAsync(socket));
                Assert.Contains(reply.Interfaces, link => link.Name == "lo");
            }
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Stopping_removes_the_socket_file()
    {
        await StartAsync(ThisUser.Uid);
        Assert.True(File.Exists(SocketPath));

        await _server!.StopAsync(CancellationToken.None);
        _server.Dispose();
        _server = null;

        Assert.False(File.Exists(SocketPath));
    }
}

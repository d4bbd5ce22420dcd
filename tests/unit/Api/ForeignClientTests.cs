using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json;
using Gateway.Agent;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Agent;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The web and the real agent socket server (its manager over a fake kernel, so no root firewall is touched), and a
/// second client that applies its own config under the web's revision: the kernel ends up with the web's state again.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ForeignClientTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();
    private RulesetManager? _manager;
    private AgentServer? _server;

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        var options = new AgentOptions(_app.SocketPath, Path.Combine(_app.Folder, "agent-state"), [Gateway.Tests.Unit.Agent.ThisUser.Uid]);
        _manager = new RulesetManager(new FakeRulesetKernel(), new LastGoodStore(options.StateDir), NullLogger<RulesetManager>.Instance);
        _server = new AgentServer(options, _manager, new NftApplier(), new ClientHub(), NullLogger<AgentServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }

        await ((IAsyncLifetime)_app).DisposeAsync();
    }

    [Fact]
    public async Task A_second_client_applying_under_the_webs_revision_is_undone_and_status_only_then_says_applied()
    {
        using var client = _app.CreateAuthorizedClient();
        var desired = await _app.DesiredRevisionInDatabaseAsync();
        await WaitForAsync(async () => (await StatusAsync(client)).GetProperty("appliedRevision").GetInt64() == desired);
        var websConfig = _manager!.AppliedConfig!;
        Assert.Equal("192.168.1.1/24", websConfig.Network.LanAddress);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_app.SocketPath));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var foreign = websConfig with
        {
            Network = websConfig.Network with { LanAddress = "10.66.0.1/24" },
            Dhcp = websConfig.Dhcp.MovedTo(websConfig.Network.LanAddress, "10.66.0.1/24"),
        };
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(new ApplyRequest(desired, foreign) { Id = 1 }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var reply = Assert.IsType<AppliedEvent>(AgentProtocol.DeserializeEvent((await Framing.ReadAsync(stream, timeout.Token))!));
        Assert.True(reply.Ok, reply.Error);

        // The web heard it, saw another digest under its revision, and applied its own state again.
        await WaitForAsync(() => Task.FromResult(_manager.AppliedConfig?.Network.LanAddress == "192.168.1.1/24"));
        await WaitForAsync(async () => (await StatusAsync(client)).GetProperty("appliedRevision").GetInt64() == desired);
        Assert.Equal(websConfig, _manager.AppliedConfig, ConfigComparer.Instance);
    }

    private static Task<JsonElement> StatusAsync(HttpClient client) => client.GetFromJsonAsync<JsonElement>("/api/v1/status");

    /// <summary>Polls until true; fails after 20 s (a hang guard, not a timing assertion).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true.");
            await Task.Delay(25);
        }
    }

    /// <summary>Configs hold lists, which records compare by reference: compare their wire form.</summary>
    private sealed class ConfigComparer : IEqualityComparer<GatewayConfig?>
    {
        public static readonly ConfigComparer Instance = new();

        public bool Equals(GatewayConfig? x, GatewayConfig? y) =>
            x is not null && y is not null && ConfigDigest.Of(x) == ConfigDigest.Of(y);

        public int GetHashCode(GatewayConfig? obj) => 0;
    }
}

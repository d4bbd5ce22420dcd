using System.Net.Sockets;
using Gateway.Agent;
using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.Routing;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The interfaces and ruleset replies carry the agent's routing state. The manager runs over fake kernels; the
/// server's own table listing reads the host's (never writes).
/// </summary>
public sealed class AgentServerRoutingTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-agent-routing-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRoutingKernel _routing = new();
    private AgentServer? _server;
    private RulesetManager? _manager;

    private string SocketPath => Path.Combine(_directory, "agent.sock");

    public async Task InitializeAsync()
    {
        var options = new AgentOptions(SocketPath, Path.Combine(_directory, "state"), [ThisUser.Uid]);
        var reconciler = new RoutingReconciler(_routing, new AddedAddressesFile(options.StateDir), NullLogger.Instance);
        _manager = new RulesetManager(new FakeRulesetKernel(), new LastGoodStore(options.StateDir), NullLogger<RulesetManager>.Instance, reconciler);
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

        Directory.Delete(_directory, recursive: true);
    }

    private async Task<T> AskAsync<T>(AgentRequest request)
        where T : AgentEvent
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(request), timeout.Token);
        var body = await Framing.ReadAsync(stream, timeout.Token);
        return Assert.IsType<T>(AgentProtocol.DeserializeEvent(body!));
    }

    [Fact]
    public async Task Added_addresses_and_owned_rules_and_routes_are_reported()
    {
        _routing.AddressList.Add(new LinkAddress("wan0", "203.0.113.99", 32));
        var config = new GatewayConfig(
            new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
            [],
            [],
            new MacPolicy(MacFilterMode.Off),
            LoggingPolicy.Default,
            OneToOne: [new OneToOneNat(1, "a", true, "203.0.113.10", "192.168.1.30"), new OneToOneNat(2, "b", true, "203.0.113.99", "192.168.1.31")],
            PolicyRoutes: [new PolicyRoute(1, "via wan2", true, "192.168.1.40", "wan2", "10.2.0.1")]);
        Assert.True((await _manager!.ApplyAsync(1, config)).Ok);

        var interfaces = await AskAsync<InterfacesReply>(new GetInterfacesRequest());
        Assert.Equal(["203.0.113.10"], interfaces.AgentAddresses);

        var ruleset = await AskAsync<RulesetReply>(new GetRulesetRequest());
        Assert.Contains(
            """
            # policy routing (owned by the agent)
            ip rule 30000: from all lookup main suppress_prefixlength 0
            ip rule 30001: from all fwmark 0x7531 lookup 30001
            ip route default via 10.2.0.1 dev wan2 table 30001
            # addresses added by the agent (LAN address, 1:1 NAT, static LAN IPv6)
            ip address 203.0.113.10/32 dev wan0

            """.ReplaceLineEndings("\n"),
            ruleset.Text,
            StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.99", ruleset.Text, StringComparison.Ordinal);
    }
}

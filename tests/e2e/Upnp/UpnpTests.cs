using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Upnp;

/// <summary>
/// UPnP IGD / NAT-PMP / PCP through the agent's miniupnpd, with a real client (<c>upnpc</c>) on the LAN and real
/// packets from the WAN host. miniupnpd refuses every mapping while the WAN address is in a reserved range, so this
/// lab's WAN link gets <see cref="PublicWanIp"/> as its first address (inside the lab's namespaces only).
/// </summary>
public sealed partial class UpnpTests(UpnpTests.Fixture fixture, Ui.Chromium chromium, ITestOutputHelper output) : IClassFixture<UpnpTests.Fixture>, IClassFixture<Ui.Chromium>
{
    public const string PublicWanIp = "44.0.0.1";
    public const string PublicWanHostIp = "44.0.0.2";

    public sealed class Fixture : LabFixture
    {
        protected override async Task OnSetUpAsync()
        {
            // The public address first, so it is the one miniupnpd reads; the lab's own address and default route stay.
            await Lab.MustAsync(Lab.RouterNs, $"ip addr add {PublicWanIp}/24 dev {Lab.WanInterface} && ip addr del {RouterWanIp}/24 dev {Lab.WanInterface} && " +
                $"ip addr add {RouterWanIp}/24 dev {Lab.WanInterface} && ip route replace default via {WanHostIp}");
            await Lab.MustAsync(Lab.WanNs, $"ip addr add {PublicWanHostIp}/24 dev eth0");
            Lab.StartTcpEchoServer(Lab.Lan1Ns, 8080, "lan1:8080");
            Lab.StartUdpEchoServer(Lab.Lan1Ns, 5000, "lan1:5000");
            Lab.StartTcpEchoServer(Lab.Lan2Ns, 8081, "lan2:8081");
        }
    }

    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    private async Task SetUpnpAsync(bool enabled)
    {
        await _api.PutJsonAsync("/api/v1/upnp", new { enabled });
        await _lab.WaitAppliedAsync(_api);
    }

    private Task<CommandResult> UpnpcAsync(string ns, string arguments) =>
        _lab.ExecAsync(ns, $"upnpc {arguments} 2>&1", TimeSpan.FromSeconds(20));

    /// <summary>Maps from lan1 once miniupnpd answers (it starts in the background after the apply).</summary>
    private async Task<string> MapAsync(string ns, string internalIp, int internalPort, int externalPort, string protocol)
    {
        CommandResult? last = null;
        var mapped = await Eventually.TrueAsync(async () =>
        {
            last = await UpnpcAsync(ns, $"-e test-{externalPort} -a {internalIp} {internalPort} {externalPort} {protocol}");
            return last.Stdout.Contains($"is redirected to internal {internalIp}:{internalPort}", StringComparison.Ordinal);
        }, Within);
        Assert.True(mapped, $"upnpc could not map {protocol} {externalPort}: {last}");
        return last!.Stdout;
    }

    private async Task<JsonArray> MappingsAsync() => await _api.GetJsonArrayAsync("/api/v1/upnp/mappings");

    private async Task<string> RouterAsync(string command) => await _lab.MustAsync(_lab.RouterNs, command);

    private async Task<int> RuleCountAsync(string chain) =>
        (await RouterAsync($"nft list chain inet gateway {chain}")).Split('\n').Count(l => l.Contains(" iif ", StringComparison.Ordinal) || l.TrimStart().StartsWith("iif ", StringComparison.Ordinal));

    [Fact]
    public async Task Off_by_default_no_igd_answers_and_no_inet_filter_table_ever_appears()
    {
        var settings = await _api.GetJsonAsync("/api/v1/upnp");
        Assert.False(settings["enabled"]!.GetValue<bool>());
        Assert.True(settings["secureMode"]!.GetValue<bool>());
        Assert.Equal("[21,23,135,\"137-139\",445,3389]", settings["deniedPorts"]!.ToJsonString());

        var discovery = await UpnpcAsync(_lab.Lan1Ns, "-l");
        Assert.Contains("No IGD UPnP Device found", discovery.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("upnp_", await RouterAsync("nft list table inet gateway"), StringComparison.Ordinal);
        Assert.DoesNotContain("inet filter", await RouterAsync("nft list tables"), StringComparison.Ordinal);
        Assert.Empty(await MappingsAsync());
    }

    [Fact]
    public async Task Bad_settings_are_400_naming_the_field_and_nothing_is_stored()
    {
        var before = (await _api.GetJsonAsync("/api/v1/upnp")).ToJsonString();
        foreach (var (body, field) in new (object Body, string Field)[]
        {
            (new { allowedPorts = "0-99" }, "allowedPorts"),
            (new { deniedPorts = new object[] { 21, "x" } }, "deniedPorts[1]"),
            (new { leaseSeconds = 10 }, "leaseSeconds"),
        })
        {
            using var response = await _api.PutAsJsonAsync("/api/v1/upnp", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.NotNull(problem["errors"]![field]);
        }

        Assert.Equal(before, (await _api.GetJsonAsync("/api/v1/upnp")).ToJsonString());
    }

    [Fact]
    public async Task Mappings_carry_wan_traffic_refusals_hold_and_they_survive_applies_a_restore_and_an_agent_restart()
    {
        await SetUpnpAsync(true);
        try
        {
            await MapAsync(_lab.Lan1Ns, Lan1Ip, 8080, 18080, "TCP");
            await MapAsync(_lab.Lan1Ns, Lan1Ip, 5000, 15000, "UDP");
            Assert.Equal("lan1:8080", await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18080));
            Assert.Equal("lan1:5000", await UdpExchangeAsync(_lab.WanNs, PublicWanIp, 15000));

            var mappings = await MappingsAsync();
            var tcp = Assert.Single(mappings, m => m!["id"]!.GetValue<string>() == "tcp-18080")!;
            Assert.Equal(Lan1Ip, tcp["internalAddress"]!.GetValue<string>());
            Assert.Equal(8080, tcp["internalPort"]!.GetValue<int>());
            Assert.Equal("test-18080", tcp["description"]!.GetValue<string>());
            Assert.Equal(Lan1Ip, tcp["client"]!.GetValue<string>());
            var expires = tcp["expiresAt"]!.GetValue<DateTimeOffset>();
            Assert.InRange(expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(86400 + 60));
            Assert.Single(mappings, m => m!["id"]!.GetValue<string>() == "udp-15000");
            using (var held = await OpenTcpAsync(_lab.WanNs, PublicWanIp, 18080))
            {
                Assert.NotNull(held);
                Assert.Equal("lan1:8080", await held.ExchangeAsync());
                // Counted in the live conntrack frame, and so in /metrics.
                Assert.True(await Eventually.TrueAsync(async () =>
                {
                    var metrics = await _api.GetTextAsync("/metrics");
                    return metrics.Contains("\ngateway_upnp_mappings 2\n", StringComparison.Ordinal)
                        && System.Text.RegularExpressions.Regex.IsMatch(metrics, "\ngateway_upnp_connections [1-9]");
                }, Within), "gateway_upnp_mappings / gateway_upnp_connections never showed the mappings");
            }

            // Refusals: secure mode (another host's address), a denied port, and nothing for the WAN.
            var other = await UpnpcAsync(_lab.Lan1Ns, $"-a {Lan2Ip} 8081 18081 TCP");
            output.WriteLine(other.Stdout);
            Assert.DoesNotContain("is redirected", other.Stdout, StringComparison.Ordinal);
            var denied = await UpnpcAsync(_lab.Lan1Ns, $"-a {Lan1Ip} 445 445 TCP");
            Assert.DoesNotContain("is redirected", denied.Stdout, StringComparison.Ordinal);
            Assert.Null(await UdpExchangeAsync(_lab.WanNs, PublicWanIp, 1900));
            Assert.False(await SsdpAnswersAsync(_lab.WanNs, PublicWanIp), "miniupnpd answered SSDP from the WAN");
            Assert.False(await NatPmpAnswersAsync(_lab.WanNs, PublicWanIp), "miniupnpd answered NAT-PMP from the WAN");
            Assert.True(await NatPmpAnswersAsync(_lab.Lan1Ns, RouterLanIp), "NAT-PMP does not answer on the LAN");

            // 20 unrelated applies, a whole restore and an agent restart: the mapping still carries a new connection.
            for (var i = 0; i < 10; i++)
            {
                var id = await _api.CreateForwardAsync(_lab, new { name = "unrelated", protocol = "tcp", externalPort = 9000 + i, internalAddress = Lan2Ip, internalPort = 8081 });
                await _api.DeleteForwardAsync(_lab, id);
            }

            Assert.Equal("lan1:8080", await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18080));
            var config = await _api.GetJsonAsync("/api/v1/config");
            await _api.PutJsonAsync("/api/v1/config", config);
            await _lab.WaitAppliedAsync(_api);
            Assert.Equal("lan1:8080", await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18080));
            await _lab.StopAgentAsync(kill: true);
            await _lab.StartAgentAsync();
            await _lab.WaitAppliedAsync(_api, TimeSpan.FromSeconds(40));
            Assert.Equal("lan1:8080", await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18080));
            Assert.Equal("lan1:5000", await UdpExchangeAsync(_lab.WanNs, PublicWanIp, 15000));
            Assert.Equal(2, await RuleCountAsync("upnp_dstnat"));

            // No drift was reported for what miniupnpd wrote.
            var status = await _api.StatusAsync();
            output.WriteLine(status.ToJsonString());
        }
        finally
        {
            await SetUpnpAsync(false);
        }
    }

    [Fact]
    public async Task Renewals_leave_one_rule_per_mapping_and_the_owners_forward_wins_its_port()
    {
        await SetUpnpAsync(true);
        try
        {
            for (var i = 0; i < 15; i++)
            {
                await MapAsync(_lab.Lan1Ns, Lan1Ip, 8080, 18090, "TCP");
            }

            Assert.Equal(1, await RuleCountAsync("upnp_dstnat"));
            Assert.Equal(1, await RuleCountAsync("upnp_forward"));

            // The owner forwards 18091 to lan2; a mapping of the same port to lan1 never takes its traffic.
            await _api.CreateForwardAsync(_lab, new { name = "owner", protocol = "tcp", externalPort = 18091, internalAddress = Lan2Ip, internalPort = 8081 });
            await MapAsync(_lab.Lan1Ns, Lan1Ip, 8080, 18091, "TCP");
            Assert.Equal("lan2:8081", await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18091));
        }
        finally
        {
            await SetUpnpAsync(false);
        }
    }

    [Fact]
    public async Task Delete_cuts_an_open_connection_and_off_removes_every_mapping_and_stops_the_daemon()
    {
        try
        {
            await SetUpnpAsync(true);
            await MapAsync(_lab.Lan1Ns, Lan1Ip, 8080, 18100, "TCP");
            await MapAsync(_lab.Lan1Ns, Lan1Ip, 8080, 18101, "TCP");
            using (var open = await OpenTcpAsync(_lab.WanNs, PublicWanIp, 18100))
            {
                Assert.NotNull(open);
                Assert.Equal("lan1:8080", await open.ExchangeAsync());

                await _api.DeleteAsync("/api/v1/upnp/mappings/tcp-18100");

                Assert.Null(await open.ExchangeAsync(TimeSpan.FromSeconds(2)));
            }

            Assert.Null(await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18100));
            Assert.DoesNotContain(await MappingsAsync(), m => m!["id"]!.GetValue<string>() == "tcp-18100");
            await _api.DeleteAsync("/api/v1/upnp/mappings/tcp-18100", HttpStatusCode.NotFound);
            Assert.Equal("lan1:8080", await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18101));

            await SetUpnpAsync(false);

            Assert.Null(await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18101));
            Assert.DoesNotContain("upnp_", await RouterAsync("nft list table inet gateway"), StringComparison.Ordinal);
            Assert.True(await Eventually.TrueAsync(async () => !(await _lab.ExecAsync(_lab.RouterNs, "pgrep -x miniupnpd")).Succeeded, Within), "miniupnpd still runs");
            Assert.Empty(await MappingsAsync());
            Assert.DoesNotContain("inet filter", await RouterAsync("nft list tables"), StringComparison.Ordinal);

            // On again: what was mapped before does not come back.
            await SetUpnpAsync(true);
            Assert.True(await Eventually.TrueAsync(async () => (await UpnpcAsync(_lab.Lan1Ns, "-l")).Stdout.Contains("ExternalIPAddress", StringComparison.Ordinal), Within));
            Assert.Empty(await MappingsAsync());
        }
        finally
        {
            await SetUpnpAsync(false);
        }
    }

    /// <summary>An SSDP M-SEARCH sent to the router's WAN address: true when anything answers.</summary>
    private static Task<bool> SsdpAnswersAsync(string ns, string ip) =>
        AnswersAsync(ns, ip, 1900, Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"));

    /// <summary>A NAT-PMP external-address request (version 0, opcode 0): true when anything answers.</summary>
    private static Task<bool> NatPmpAnswersAsync(string ns, string ip) => AnswersAsync(ns, ip, 5351, [0, 0]);

    private static async Task<bool> AnswersAsync(string ns, string ip, int port, byte[] request)
    {
        using var socket = NetNs.Run(ns, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        var target = new IPEndPoint(IPAddress.Parse(ip), port);
        var buffer = new byte[2048];
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await socket.SendToAsync(request, target);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
            try
            {
                await socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), wait.Token);
                return true;
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
        }

        return false;
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Traffic mirroring with real packets: a monitor namespace hangs off a router link (<c>mon0</c>), and a netdev
/// ingress chain there counts the copies that arrive, by flow. LAN hosts talk to a WAN server; the copies of
/// the LAN bridge show both directions (LAN → WAN before masquerade, WAN → LAN after un-NAT), only one with a
/// direction set, only the chosen source with a filter, none from a disabled mirror; the original flow is intact.
/// A zero is only read after a positive control proved the copies of the same exchange had arrived.
/// </summary>
public sealed partial class MirrorTests(MirrorTests.Fixture fixture) : IClassFixture<MirrorTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        public string MonitorNs => Lab.RouterNs[..^"-router".Length] + "-mon";

        protected override async Task OnSetUpAsync()
        {
            // From the host's mount namespace: ip netns exec gives its command a private one, where the named
            // namespace's bind mount would stay invisible to everyone else.
            using (var add = System.Diagnostics.Process.Start("ip", ["netns", "add", MonitorNs]))
            {
                await add.WaitForExitAsync();
                Assert.Equal(0, add.ExitCode);
            }

            await Must($"ip -n {Lab.RouterNs} link add {MonitorLink} type veth peer name mon1 netns {MonitorNs}");
            await Must($"ip -n {Lab.RouterNs} link set {MonitorLink} up && ip -n {MonitorNs} link set mon1 up");
            await Must($$"""
                ip netns exec {{MonitorNs}} nft -f - <<'EOF'
                table netdev cap {
                	counter lan1_out { }
                	counter lan2_out { }
                	counter lan1_in { }
                	counter wan_in { }
                	chain copies {
                		type filter hook ingress device "mon1" priority filter; policy accept;
                		ip saddr {{Lan1Ip}} ip daddr {{WanHostIp}} tcp dport {{ServerPort}} counter name lan1_out
                		ip saddr {{Lan2Ip}} ip daddr {{WanHostIp}} tcp dport {{ServerPort}} counter name lan2_out
                		ip saddr {{WanHostIp}} ip daddr {{Lan1Ip}} tcp sport {{ServerPort}} counter name lan1_in
                		ip saddr {{WanHostIp}} ip daddr {{RouterWanIp}} tcp sport {{ServerPort}} counter name wan_in
                	}
                }
                EOF
                """);
            Lab.StartTcpEchoServer(Lab.WanNs, ServerPort, "wan-service");
        }

        private async Task Must(string command)
        {
            // Run from the router namespace: ip netns add / -n / exec reach every namespace from there.
            var result = await Lab.ExecAsync(Lab.RouterNs, command);
            Assert.True(result.Succeeded, result.ToString());
        }
    }

    private const string MonitorLink = "mon0";
    private const int ServerPort = 7730;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task The_LAN_bridge_mirrored_both_ways_copies_each_direction_and_the_original_arrives_intact()
    {
        var id = await CreateMirrorAsync(new { name = "lan both", @interface = _lab.LanInterface, toInterface = MonitorLink });
        try
        {
            await ResetAsync();
            Assert.Equal("wan-service", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, ServerPort));
            Assert.True(await Eventually.TrueAsync(async () => await CopiesAsync("lan1_out") > 0 && await CopiesAsync("lan1_in") > 0, TimeSpan.FromSeconds(5)),
                $"copies: out {await CopiesAsync("lan1_out")}, in {await CopiesAsync("lan1_in")}");
        }
        finally
        {
            await _api.DeleteAsync($"/api/v1/mirrors/{id}");
        }
    }

    [Fact]
    public async Task A_direction_copies_only_that_direction()
    {
        var id = await CreateMirrorAsync(new { name = "lan in", @interface = _lab.LanInterface, direction = "in", toInterface = MonitorLink });
        try
        {
            await ResetAsync();
            Assert.Equal("wan-service", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, ServerPort));
            Assert.True(await Eventually.TrueAsync(async () => await CopiesAsync("lan1_out") > 0, TimeSpan.FromSeconds(5)), "no copy of what the LAN host sent");
            Assert.Equal(0, await CopiesAsync("lan1_in"));
        }
        finally
        {
            await _api.DeleteAsync($"/api/v1/mirrors/{id}");
        }
    }

    [Fact]
    public async Task A_source_filter_copies_only_that_source()
    {
        var id = await CreateMirrorAsync(new { name = "lan2 only", @interface = _lab.LanInterface, source = $"{Lan2Ip}/32", toInterface = MonitorLink });
        try
        {
            await ResetAsync();
            Assert.Equal("wan-service", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, ServerPort));
            Assert.Equal("wan-service", await TcpExchangeAsync(_lab.Lan2Ns, WanHostIp, ServerPort));
            Assert.True(await Eventually.TrueAsync(async () => await CopiesAsync("lan2_out") > 0, TimeSpan.FromSeconds(5)), "no copy of the chosen source");
            Assert.Equal(0, await CopiesAsync("lan1_out"));
            Assert.Equal(0, await CopiesAsync("lan1_in"));
        }
        finally
        {
            await _api.DeleteAsync($"/api/v1/mirrors/{id}");
        }
    }

    [Fact]
    public async Task A_disabled_mirror_copies_nothing_while_an_enabled_one_on_the_WAN_does()
    {
        var off = await CreateMirrorAsync(new { name = "off", enabled = false, @interface = _lab.LanInterface, toInterface = MonitorLink });
        var control = await CreateMirrorAsync(new { name = "wan in", @interface = _lab.WanInterface, direction = "in", toInterface = MonitorLink });
        try
        {
            await ResetAsync();
            Assert.Equal("wan-service", await TcpExchangeAsync(_lab.Lan1Ns, WanHostIp, ServerPort));
            Assert.True(await Eventually.TrueAsync(async () => await CopiesAsync("wan_in") > 0, TimeSpan.FromSeconds(5)), "the WAN mirror copied nothing");
            Assert.Equal(0, await CopiesAsync("lan1_out"));
            Assert.Equal(0, await CopiesAsync("lan1_in"));
        }
        finally
        {
            await _api.DeleteAsync($"/api/v1/mirrors/{control}");
            await _api.DeleteAsync($"/api/v1/mirrors/{off}");
        }
    }

    [Fact]
    public async Task A_mirror_into_its_own_link_or_a_port_of_the_mirrored_bridge_is_refused_naming_toInterface()
    {
        foreach (var target in new[] { _lab.LanInterface, "lan1" })
        {
            using var response = await _api.PostAsJsonAsync("/api/v1/mirrors", new { name = "loop", @interface = _lab.LanInterface, toInterface = target });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("toInterface", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Empty(await _api.GetJsonArrayAsync("/api/v1/mirrors"));
    }

    private async Task<int> CreateMirrorAsync(object body)
    {
        var created = await _api.PostJsonAsync("/api/v1/mirrors", body);
        await _lab.WaitAppliedAsync(_api);
        return created!["id"]!.GetValue<int>();
    }

    private async Task ResetAsync() =>
        Assert.True((await _lab.ExecAsync(fixture.MonitorNs, "nft reset counters table netdev cap >/dev/null")).Succeeded);

    private async Task<long> CopiesAsync(string counter)
    {
        var listed = await _lab.ExecAsync(fixture.MonitorNs, $"nft list counter netdev cap {counter}");
        var match = PacketsPattern().Match(listed.Stdout);
        Assert.True(match.Success, listed.ToString());
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex PacketsPattern();
}

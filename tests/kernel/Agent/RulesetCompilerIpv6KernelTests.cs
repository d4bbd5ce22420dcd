using System.Globalization;
using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// IPv6 through the compiled table with real packets: the router is the throwaway namespace (IPv6 forwarding on,
/// static documentation addresses), one LAN host and one WAN host on veth pairs, netcat on both ends.
/// </summary>
public sealed class RulesetCompilerIpv6KernelTests : IDisposable
{
    private const string WanHost = "2001:db8:ff::2";

    /// <summary>Waits for link-local addresses to finish duplicate address detection (about a second); until then neighbour discovery lags.</summary>
    private const string Settle = "for i in $(seq 50); do [ -z \"$(ip -6 addr show tentative)\" ] && break; sleep 0.1; done";

    private readonly string _dir = Directory.CreateTempSubdirectory("gw-v6-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GatewayConfig Config(string? lanIpv6, params Pinhole[] pinholes)
    {
        var config = GoldenCase.Load("minimal").Config;
        return config with
        {
            Network = config.Network with { WanInterface = "wan0", LanInterface = "lan0", LanAddress = "192.168.1.1/24", LanIpv6 = lanIpv6 },
            Pinholes = pinholes,
        };
    }

    [Fact]
    public void A_suffix_pinhole_admits_its_port_and_no_other_and_keeps_working_after_the_lan_is_renumbered()
    {
        var config = Config(NetworkSettings.Ipv6Auto, new Pinhole(1, "nas ssh", true, ForwardProtocol.Tcp, 22, null, "::10", null, null));

        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var (lan, wan) = Lab(lab);
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(config)).Ok);

            // Outbound is routed without NAT: the WAN host sees the LAN host's own address.
            Assert.Contains("Connection received on 2001:db8:1::10 ", Exchange(wan, lan, WanHost, 7000), StringComparison.Ordinal);
            Assert.Contains("hello", Exchange(lan, wan, "2001:db8:1::10", 22), StringComparison.Ordinal);
            Assert.DoesNotContain("hello", Exchange(lan, wan, "2001:db8:1::10", 23), StringComparison.Ordinal);

            var marked = ThrowawayNamespace.Exec("conntrack", "-L", "-f", "ipv6", "-m", CtMarks.Pinhole(1).ToString(CultureInfo.InvariantCulture));
            Assert.Contains("dport=22 ", marked.Stdout, StringComparison.Ordinal);

            // The ISP hands out a new prefix: router and host move to 2001:db8:2::/64, the table stays as it was.
            lab.Router("ip addr del 2001:db8:1::1/64 dev lan0 && ip addr add 2001:db8:2::1/64 dev lan0 nodad");
            lab.In(lan, "ip addr del 2001:db8:1::10/64 dev eth0 && ip addr add 2001:db8:2::10/64 dev eth0 nodad && ip -6 route replace default via 2001:db8:2::1");
            Assert.Contains("hello", Exchange(lan, wan, "2001:db8:2::10", 22), StringComparison.Ordinal);
            Assert.DoesNotContain("hello", Exchange(lan, wan, "2001:db8:2::10", 23), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_mac_pinhole_admits_an_address_once_the_agent_adds_it_to_the_set()
    {
        var config = Config("2001:db8:1::1/64", new Pinhole(3, "camera", true, ForwardProtocol.Udp, 5000, 5010, null, "02:00:00:00:00:10", null));

        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var (lan, wan) = Lab(lab);
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(config)).Ok);

            // Compiled empty: nothing gets in until the address is known.
            Assert.DoesNotContain("hello", Exchange(lan, wan, "2001:db8:1::10", 5000, udp: true), StringComparison.Ordinal);

            var set = RulesetCompiler.PinholeMacSetName(3);
            // (A fresh port for each try: a UDP listener that heard nothing is still bound for a few seconds.)
            lab.Router($"nft add element inet {RulesetCompiler.TableName} {set} {{ 2001:db8:1::10 }}");
            Assert.Contains("hello", Exchange(lan, wan, "2001:db8:1::10", 5001, udp: true), StringComparison.Ordinal);
            Assert.DoesNotContain("hello", Exchange(lan, wan, "2001:db8:1::10", 5011, udp: true), StringComparison.Ordinal);

            // A second (privacy) address of the same host, added later, is covered as well.
            lab.In(lan, "ip addr add 2001:db8:1::abcd/64 dev eth0 nodad");
            Assert.DoesNotContain("hello", Exchange(lan, wan, "2001:db8:1::abcd", 5002, udp: true), StringComparison.Ordinal);
            lab.Router($"nft add element inet {RulesetCompiler.TableName} {set} {{ 2001:db8:1::abcd }}");
            Assert.Contains("hello", Exchange(lan, wan, "2001:db8:1::abcd", 5003, udp: true), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Without_a_pinhole_the_wan_gets_no_new_connection_to_the_lan_but_packet_too_big_and_ping_pass()
    {
        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var (lan, wan) = Lab(lab);
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(Config("2001:db8:1::1/64"))).Ok);

            Assert.DoesNotContain("hello", Exchange(lan, wan, "2001:db8:1::10", 22), StringComparison.Ordinal);
            // RFC 4890: echo to LAN hosts is allowed (the guard limits it per source /64).
            Assert.Equal(0, NetnsLab.Try(wan, "ping -6 -c 1 -W 2 2001:db8:1::10").ExitCode);

            // Path MTU: beyond the WAN host (a router too) the path narrows to 1280. Its packet-too-big crosses the
            // gateway to the LAN host, which then caches the smaller MTU for that destination.
            var far = "gwfar" + Guid.NewGuid().ToString("N")[..8];
            try
            {
                Assert.Equal(0, ProcessRunner.Run("ip", "netns", "add", far).ExitCode);
                lab.In(wan, $"sysctl -qw net.ipv6.conf.all.forwarding=1 && ip link add far0 mtu 1280 type veth peer name eth0 netns {far}"
                    + " && ip link set far0 up && ip addr add 2001:db8:fa::1/64 dev far0 nodad && ip -6 route add 2001:db8:1::/64 via 2001:db8:ff::1");
                lab.In(far, "ip link set lo up && ip link set eth0 mtu 1280 up && ip addr add 2001:db8:fa::2/64 dev eth0 nodad && ip -6 route add default via 2001:db8:fa::1");
                lab.Router($"ip -6 route add default via {WanHost}");
                lab.In(wan, Settle);
                lab.In(far, Settle);
                Assert.Equal(0, NetnsLab.Try(lan, "ping -6 -c 1 -W 2 2001:db8:fa::2").ExitCode);
                NetnsLab.Try(lan, "ping -6 -c 2 -W 2 -M do -s 1400 2001:db8:fa::2");
                Assert.Contains("mtu 1280", NetnsLab.Try(lan, "ip -6 route get 2001:db8:fa::2").Stdout, StringComparison.Ordinal);
            }
            finally
            {
                ProcessRunner.Run("ip", "netns", "del", far);
            }
        });
    }

    [Fact]
    public void With_ipv6_off_nothing_ipv6_is_routed_even_with_forwarding_on()
    {
        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var (lan, wan) = Lab(lab);
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(Config(null))).Ok);

            Assert.DoesNotContain("hello", Exchange(wan, lan, WanHost, 7000), StringComparison.Ordinal);

            // Control: the same lab routes it once IPv6 is on.
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(Config(NetworkSettings.Ipv6Auto))).Ok);
            Assert.Contains("hello", Exchange(wan, lan, WanHost, 7001), StringComparison.Ordinal);
        });
    }

    /// <summary>Router with IPv6 forwarding on; LAN host 2001:db8:1::10 (MAC 02:00:00:00:00:10) and WAN host 2001:db8:ff::2, no DAD wait.</summary>
    private static (string Lan, string Wan) Lab(NetnsLab lab)
    {
        lab.Router("sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.all.forwarding=1");
        var lan = lab.Host("lan", "lan0", "192.168.1.10/24", null);
        var wan = lab.Host("wan", "wan0", "198.51.100.2/24", null);
        lab.Router("ip addr add 2001:db8:1::1/64 dev lan0 nodad && ip addr add 2001:db8:ff::1/64 dev wan0 nodad");
        lab.In(lan, "sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 && ip link set eth0 down && ip link set eth0 address 02:00:00:00:00:10 up"
            + " && ip addr add 2001:db8:1::10/64 dev eth0 nodad && ip -6 route add default via 2001:db8:1::1");
        lab.In(wan, "sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0"
            + $" && ip addr add {WanHost}/64 dev eth0 nodad && ip -6 route add default via 2001:db8:ff::1");
        // Link-local addresses finish duplicate address detection (about a second) before neighbour discovery is prompt.
        lab.Router(Settle);
        lab.In(lan, Settle);
        lab.In(wan, Settle);
        return (lan, wan);
    }

    /// <summary>Listens once on <paramref name="listener"/>, sends "hello" from <paramref name="client"/>, returns what the listener printed.</summary>
    private string Exchange(string listener, string client, string address, int port, bool udp = false)
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var u = udp ? "-u " : string.Empty;
        NetnsLab.Try(listener, $"(timeout 4 nc -6 {u}-n -v -l -p {port} > {file} 2>&1 &) ; for i in $(seq 50); do ss -lnu{(udp ? string.Empty : "t")} | grep -q ':{port} ' && break; sleep 0.1; done");
        NetnsLab.Try(client, $"echo hello | timeout 3 nc -6 {u}-w 1 {(udp ? string.Empty : "-N ")}{address} {port}");
        Thread.Sleep(300);
        return File.Exists(file) ? File.ReadAllText(file) : string.Empty;
    }
}

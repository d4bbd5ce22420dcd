using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// 1:1 NAT, redirects and policy routes moving real packets between namespaces (router = the throwaway namespace,
/// hosts on veth pairs), with netcat on both ends.
/// </summary>
public sealed class RulesetCompilerNatKernelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-nat-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GatewayConfig Base()
    {
        var config = GoldenCase.Load("minimal").Config;
        return config with { Network = config.Network with { WanInterface = "wan0", LanInterface = "lan0", LanAddress = "192.168.1.1/24" } };
    }

    [Fact]
    public void One_to_one_reaches_the_host_on_any_port_and_its_outbound_leaves_as_the_external_address()
    {
        // A forward on port 22 of the WAN's own address: 1:1 takes port 22 of its address, the forward keeps the WAN's.
        var forward = new PortForward(5, "ssh", true, ForwardProtocol.Tcp, 22, null, "192.168.1.21", null, null);
        var config = Base() with { OneToOne = [new OneToOneNat(1, "nas", true, "198.51.100.10", "192.168.1.20")], PortForwards = [forward] };

        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            lab.Router("ip link add lan0 type bridge && ip link set lan0 up && ip addr add 192.168.1.1/24 dev lan0");
            var wan = lab.Host("wan", "wan0", "198.51.100.2/24", null);
            // What the agent does for addAddress: the external address on the WAN link.
            lab.Router("ip addr add 198.51.100.1/24 dev wan0 && ip addr add 198.51.100.10/32 dev wan0");
            var nas = lab.Host("nas", "lana", "192.168.1.20/24", "192.168.1.1", bridge: "lan0");
            var other = lab.Host("pc", "lanb", "192.168.1.21/24", "192.168.1.1", bridge: "lan0");
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(config)).Ok);

            foreach (var port in new[] { 22, 8443 })
            {
                var seen = Exchange(nas, wan, "198.51.100.10", port, udp: false);
                Assert.Contains("hello", seen, StringComparison.Ordinal);
                Assert.Contains("198.51.100.2", seen, StringComparison.Ordinal);
            }

            Assert.Contains("hello", Exchange(other, wan, "198.51.100.1", 22, udp: false), StringComparison.Ordinal);

            Assert.Contains("Connection received on 198.51.100.10", Exchange(wan, nas, "198.51.100.2", 7000, udp: false), StringComparison.Ordinal);
            Assert.Contains("Connection received on 198.51.100.1 ", Exchange(wan, other, "198.51.100.2", 7001, udp: false), StringComparison.Ordinal);

            // Hairpin: a LAN client reaches the host through the external address, masqueraded so the answer comes back through the router.
            lab.Router("[ ! -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || sysctl -qw net.bridge.bridge-nf-call-iptables=0");
            var hairpin = Exchange(nas, other, "198.51.100.10", 80, udp: false);
            Assert.Contains("Connection received on 192.168.1.1 ", hairpin, StringComparison.Ordinal);
            Assert.Contains("hello", hairpin, StringComparison.Ordinal);

            var marked = ThrowawayNamespace.Exec("conntrack", "-L", "-m", CtMarks.OneToOne(1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(marked.Stdout.Split('\n').Count(l => l.Contains("dport=", StringComparison.Ordinal)) >= 4, $"1:1 connections without the entry's ct mark:\n{marked.Stdout}{marked.Stderr}");
            // The 1:1 connection to port 22 is not relabelled with the forward's mark; the forward's own connection is.
            var entries = ThrowawayNamespace.Exec("conntrack", "-L").Stdout.Split('\n');
            Assert.Contains(entries, e => e.Contains("dst=198.51.100.10 ", StringComparison.Ordinal) && e.Contains("dport=22 ", StringComparison.Ordinal)
                && e.Contains($"mark={CtMarks.OneToOne(1)} ", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Contains("dst=198.51.100.1 ", StringComparison.Ordinal) && e.Contains("dport=22 ", StringComparison.Ordinal)
                && e.Contains("mark=5 ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void A_redirect_is_answered_by_the_routers_own_port_from_the_lan_and_from_another_link()
    {
        var config = Base() with
        {
            Redirects =
            [
                new Redirect(1, "dns", true, null, ForwardProtocol.Both, 53, null, 5353, null),
                new Redirect(2, "wan ntp", true, "wan0", ForwardProtocol.Udp, 123, 124, 5123, "203.0.113.0/24"),
            ],
        };

        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var client = lab.Host("client", "lan0", "192.168.1.20/24", "192.168.1.1");
            var wan = lab.Host("wan", "wan0", "198.51.100.2/24", "198.51.100.1");
            lab.Router("ip addr add 192.168.1.1/24 dev lan0 && ip addr add 198.51.100.1/24 dev wan0");
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(config)).Ok);

            Assert.Contains("hello", Exchange(null, client, "203.0.113.53", 53, udp: false, listenPort: 5353), StringComparison.Ordinal);
            Assert.Contains("hello", Exchange(null, client, "203.0.113.53", 53, udp: true, listenPort: 5353), StringComparison.Ordinal);
            // Input is closed for every link but the LAN: only the redirect's ct mark lets this one in.
            Assert.Contains("hello", Exchange(null, wan, "203.0.113.99", 124, udp: true, listenPort: 5123), StringComparison.Ordinal);

            var marks = ThrowawayNamespace.Exec("conntrack", "-L").Stdout;
            Assert.Contains($"mark={CtMarks.Redirect(1)}", marks, StringComparison.Ordinal);
            Assert.Contains($"mark={CtMarks.Redirect(2)}", marks, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Without_the_redirect_the_wan_link_gets_nothing()
    {
        // The control for the test above: the router's port alone is closed to the WAN.
        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var wan = lab.Host("wan", "wan0", "198.51.100.2/24", "198.51.100.1");
            lab.Router("ip link add lan0 type bridge && ip link set lan0 up && ip addr add 192.168.1.1/24 dev lan0 && ip addr add 198.51.100.1/24 dev wan0");
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(Base())).Ok);

            Assert.DoesNotContain("hello", Exchange(null, wan, "198.51.100.1", 5123, udp: true), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_policy_route_leaves_through_the_second_uplink_and_its_replies_pass_the_anti_spoofing_check()
    {
        var config = Base() with { PolicyRoutes = [new PolicyRoute(4, "second uplink", true, "192.168.1.20", "wan2", "192.0.2.2")] };
        var table = RulesetCompiler.Compile(config);

        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            lab.Router("ip link add lan0 type bridge && ip link set lan0 up && ip addr add 192.168.1.1/24 dev lan0");
            var client = lab.Host("client", "lana", "192.168.1.20/24", "192.168.1.1", bridge: "lan0");
            var other = lab.Host("other", "lanb", "192.168.1.21/24", "192.168.1.1", bridge: "lan0");
            var wan = lab.Host("wan", "wan0", "198.51.100.2/24", null);
            var wan2 = lab.Host("wan2", "wan2", "192.0.2.2/24", null);
            // The same far server behind both uplinks.
            lab.In(wan, "ip addr add 203.0.113.5/32 dev lo");
            lab.In(wan2, "ip addr add 203.0.113.5/32 dev lo");
            var number = PolicyRouting.Number(0);
            lab.Router("ip addr add 198.51.100.1/24 dev wan0 && ip addr add 192.0.2.1/24 dev wan2 && ip route add default via 198.51.100.2"
                + $" && ip rule add priority {PolicyRouting.SuppressDefaultPriority} lookup main suppress_prefixlength 0"
                + $" && ip rule add priority {number} fwmark {number} lookup {number} && ip route add default via 192.0.2.2 table {number}");
            Assert.True(new NftApplier().Replace(table).Ok);

            var seen = Exchange(wan2, client, "203.0.113.5", 7000, udp: false);
            Assert.Contains("Connection received on 192.0.2.1 ", seen, StringComparison.Ordinal);
            Assert.Contains("hello", seen, StringComparison.Ordinal);
            Assert.Contains("Connection received on 198.51.100.1 ", Exchange(wan, other, "203.0.113.5", 7001, udp: false), StringComparison.Ordinal);
            Assert.Contains($"mark={CtMarks.PolicyRoute(4)}", ThrowawayNamespace.Exec("conntrack", "-L").Stdout, StringComparison.Ordinal);

            // Control: the same table with the fib check on every packet drops the replies arriving on wan2.
            var strict = table.Replace("ct state new,invalid,untracked ", string.Empty, StringComparison.Ordinal);
            Assert.NotEqual(table, strict);
            Assert.True(new NftApplier().Replace(strict).Ok);
            ThrowawayNamespace.Exec("conntrack", "-F");
            Assert.DoesNotContain("hello", Exchange(wan2, client, "203.0.113.5", 7002, udp: false), StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("helpers-forwards")]
    [InlineData("helpers-outbound")]
    public void Every_helper_object_loads_in_a_real_table(string golden)
    {
        ThrowawayNamespace.Run(() =>
        {
            var result = new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load(golden).Config));
            Assert.True(result.Ok, result.Error);
            var listing = ThrowawayNamespace.Exec("nft", "list", "table", "inet", RulesetCompiler.TableName).Stdout;
            foreach (var helper in ConntrackHelpers.All)
            {
                Assert.Contains($"ct helper {helper.ToWord()} {{", listing, StringComparison.Ordinal);
                Assert.Contains($"type \"{helper.KernelName()}\" protocol", listing, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public void Helpers_are_assigned_on_outbound_connections_by_well_known_port_and_on_a_forward_by_its_mark()
    {
        var forward = new PortForward(3, "ftp", true, ForwardProtocol.Tcp, 2121, null, "192.168.1.20", 21, null, Helper: ConntrackHelper.Ftp);
        var config = Base() with { PortForwards = [forward], Helpers = new HelperSettings([ConntrackHelper.Tftp, ConntrackHelper.Irc]) };

        ThrowawayNamespace.Run(() =>
        {
            using var lab = new NetnsLab();
            var client = lab.Host("client", "lan0", "192.168.1.20/24", "192.168.1.1");
            var wan = lab.Host("wan", "wan0", "198.51.100.2/24", null);
            lab.Router("ip addr add 192.168.1.1/24 dev lan0 && ip addr add 198.51.100.1/24 dev wan0");
            Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(config)).Ok);

            Exchange(wan, client, "198.51.100.2", 69, udp: true);
            Exchange(wan, client, "198.51.100.2", 6667, udp: false);
            Exchange(wan, client, "198.51.100.2", 21, udp: false);
            Exchange(client, wan, "198.51.100.1", 2121, udp: false, listenPort: 21);

            var entries = ThrowawayNamespace.Exec("conntrack", "-L").Stdout.Split('\n');
            Assert.Contains(entries, e => e.Contains("dport=69 ", StringComparison.Ordinal) && e.Contains("helper=tftp", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Contains("dport=6667 ", StringComparison.Ordinal) && e.Contains("helper=irc", StringComparison.Ordinal));
            // ftp is not in the outbound list: its outbound connection gets no helper.
            Assert.Contains(entries, e => e.Contains("dport=21 ", StringComparison.Ordinal) && e.Contains("dst=198.51.100.2 ", StringComparison.Ordinal) && !e.Contains("helper=", StringComparison.Ordinal));
            Assert.Contains(entries, e => e.Contains("dport=2121 ", StringComparison.Ordinal) && e.Contains("helper=ftp", StringComparison.Ordinal) && e.Contains("mark=3 ", StringComparison.Ordinal));
        });
    }

    /// <summary>
    /// Listens once on <paramref name="listener"/> (null = the router), sends "hello" from <paramref name="client"/>
    /// to <paramref name="address"/>:<paramref name="port"/>, and returns what the listener printed (netcat -v
    /// names the peer: "Connection received on ADDRESS PORT").
    /// </summary>
    private string Exchange(string? listener, string client, string address, int port, bool udp, int? listenPort = null)
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        var listen = listenPort ?? port;
        var u = udp ? "-u " : string.Empty;
        var start = $"(timeout 4 nc {u}-n -v -l -p {listen} > {file} 2>&1 &) ; for i in $(seq 50); do ss -lnu{(udp ? string.Empty : "t")} | grep -q ':{listen} ' && break; sleep 0.1; done";
        if (listener is null)
        {
            ThrowawayNamespace.Shell(start);
        }
        else
        {
            NetnsLab.Try(listener, start);
        }

        NetnsLab.Try(client, $"echo hello | timeout 3 nc {u}-w 1 {(udp ? string.Empty : "-N ")}{address} {port}");
        Thread.Sleep(300);
        return File.Exists(file) ? File.ReadAllText(file) : string.Empty;
    }
}

using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The rtnetlink code against the real kernel, each test in its own throwaway namespace; <c>ip</c> only checks.</summary>
public sealed class RoutingKernelTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-routing-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private static void Sh(string script)
    {
        var result = ThrowawayNamespace.Shell(script);
        Assert.True(result.ExitCode == 0, $"{script}: {result.Stderr}");
    }

    private static string Ip(params string[] args) => ThrowawayNamespace.Exec("ip", args).Stdout;

    // veth pairs (the test kernel has no dummy module). Two uplinks with an address each: wan0 10.0.0.2/24 (gateway 10.0.0.1) and wan2 10.2.0.2/24 (gateway 10.2.0.1).
    // rp_filter starts off, whatever the host's defaults, so only the test that wants a strict filter sees one.
    private static void TwoUplinks() => Sh("""
        sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 &&
        ip link add wan0 type veth peer name wan0p && ip link set wan0p up && ip addr add 10.0.0.2/24 dev wan0 && ip link set wan0 up &&
        ip link add wan2 type veth peer name wan2p && ip link set wan2p up && ip addr add 10.2.0.2/24 dev wan2 && ip link set wan2 up &&
        ip link add br-lan type veth peer name lanp && ip link set lanp up && ip addr add 192.168.1.1/24 dev br-lan && ip link set br-lan up
        """);

    private static GatewayConfig Config(IReadOnlyList<OneToOneNat>? oneToOne = null, IReadOnlyList<PolicyRoute>? routes = null, string wan = "wan0") => new(
        new NetworkSettings(wan, "br-lan", "192.168.1.1/24"),
        [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default,
        OneToOne: oneToOne,
        PolicyRoutes: routes);

    private RoutingReconciler NewReconciler() =>
        new(new RoutingKernel(), new AddedAddressesFile(_stateDir), NullLogger.Instance);

    [Fact]
    public void Links_addresses_rules_and_routes_are_read_as_ip_shows_them()
    {
        ThrowawayNamespace.Run(() =>
        {
            TwoUplinks();
            Sh("ip link set wan2 down && ip rule add priority 100 fwmark 0x64 lookup 200 && ip route add default via 10.0.0.1 dev wan0 table 30005");
            var kernel = new RoutingKernel();

            var links = kernel.Links();
            Assert.Contains(links, l => l.Name == "wan0" && l.Up);
            Assert.Contains(links, l => l.Name == "wan2" && !l.Up);
            Assert.Contains(new LinkAddress("wan0", "10.0.0.2", 24), kernel.Addresses());
            Assert.Contains(new RoutingRule(100, 200, FwMark: 0x64), kernel.Rules());
            Assert.Contains(new RoutingRule(32766, 254), kernel.Rules());
            Assert.Equal([new RoutingRoute(30005, "default", "10.0.0.1", "wan0")], kernel.Routes());
        });
    }

    [Fact]
    public void An_address_is_added_and_removed_and_a_foreign_one_is_left_alone()
    {
        ThrowawayNamespace.Run(() =>
        {
            TwoUplinks();
            Sh("ip addr add 203.0.113.99/32 dev wan0");
            var reconciler = NewReconciler();
            var entry = new OneToOneNat(1, "web", true, "203.0.113.10", "192.168.1.20");
            var foreign = new OneToOneNat(2, "theirs", true, "203.0.113.99", "192.168.1.21");

            reconciler.Reconcile(Config([entry, foreign]));
            Assert.Contains("inet 203.0.113.10/32", Ip("-4", "addr", "show", "dev", "wan0"), StringComparison.Ordinal);
            Assert.Equal(["203.0.113.10"], reconciler.AgentAddresses);

            // A restarted agent (new reconciler, same state dir) removes what the previous one added, and only that.
            var restarted = NewReconciler();
            restarted.Reconcile(Config([entry with { Enabled = false }, foreign with { Enabled = false }]));
            var after = Ip("-4", "addr", "show", "dev", "wan0");
            Assert.DoesNotContain("203.0.113.10", after, StringComparison.Ordinal);
            Assert.Contains("inet 203.0.113.99/32", after, StringComparison.Ordinal);
            Assert.Empty(restarted.AgentAddresses);
        });
    }

    [Fact]
    public void A_wildcard_wan_uses_the_first_matching_link()
    {
        ThrowawayNamespace.Run(() =>
        {
            Sh("ip link add ppp1 type veth peer name x1 && ip link set ppp1 up && ip link add ppp0 type veth peer name x0 && ip link set ppp0 up");
            var reconciler = NewReconciler();

            reconciler.Reconcile(Config([new OneToOneNat(1, "web", true, "203.0.113.10", "192.168.1.20")], wan: "ppp*"));

            Assert.Contains("203.0.113.10/32", Ip("-4", "addr", "show", "dev", "ppp0"), StringComparison.Ordinal);
            Assert.DoesNotContain("203.0.113.10", Ip("-4", "addr", "show", "dev", "ppp1"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Rules_and_routes_of_two_policies_are_installed_and_removed_exactly_leaving_foreign_ones()
    {
        ThrowawayNamespace.Run(() =>
        {
            TwoUplinks();
            Sh("ip rule add priority 100 from 192.168.1.50 lookup 200 && ip route add default via 10.2.0.1 dev wan2 table 200");
            var rulesBefore = Ip("rule", "show");
            var reconciler = NewReconciler();
            var routes = new[]
            {
                new PolicyRoute(7, "second", true, "192.168.1.30", "wan0", null),
                new PolicyRoute(3, "first", true, "192.168.1.20", "wan2", "10.2.0.1"),
            };

            var changes = reconciler.Reconcile(Config(routes: routes));

            Assert.Equal(5, changes.Count);
            var rules = Ip("rule", "show");
            Assert.Contains("30000:\tfrom all lookup main suppress_prefixlength 0", rules, StringComparison.Ordinal);
            Assert.Contains("30001:\tfrom all fwmark 0x7531 lookup 30001", rules, StringComparison.Ordinal);
            Assert.Contains("30002:\tfrom all fwmark 0x7532 lookup 30002", rules, StringComparison.Ordinal);
            Assert.Equal("default via 10.2.0.1 dev wan2 proto static", Ip("route", "show", "table", "30001").Trim());
            Assert.Equal("default dev wan0 proto static scope link", Ip("route", "show", "table", "30002").Trim());
            Assert.Empty(reconciler.Reconcile(Config(routes: routes)));

            // The route lookup really follows the mark.
            Assert.Contains("dev wan2", Ip("route", "get", "198.51.100.1", "mark", "30001"), StringComparison.Ordinal);
            Assert.Contains("dev wan0", Ip("route", "get", "198.51.100.1", "mark", "30002"), StringComparison.Ordinal);
            // LAN destinations keep the main table (the suppress rule), even with a policy's mark.
            Assert.Contains("dev br-lan", Ip("route", "get", "192.168.1.77", "mark", "30001"), StringComparison.Ordinal);

            var describe = reconciler.Describe();
            Assert.Contains("# policy routing (owned by the agent)", describe, StringComparison.Ordinal);
            Assert.Contains("ip route default via 10.2.0.1 dev wan2 table 30001", describe, StringComparison.Ordinal);
            Assert.DoesNotContain("200", describe.Replace("30001", string.Empty, StringComparison.Ordinal).Replace("30002", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

            reconciler.Reconcile(Config());
            Assert.Equal(rulesBefore, Ip("rule", "show"));
            Assert.Equal("default via 10.2.0.1 dev wan2", Ip("route", "show", "table", "200").Trim());
            Assert.Empty(Ip("route", "show", "table", "30001").Trim());
            Assert.Empty(reconciler.Describe());
        });
    }

    [Fact]
    public void A_strict_reverse_path_filter_becomes_loose_on_the_out_link_only()
    {
        ThrowawayNamespace.Run(() =>
        {
            TwoUplinks();
            Sh("sysctl -qw net.ipv4.conf.all.rp_filter=1");
            var kernel = new RoutingKernel();

            Assert.True(kernel.LoosenReversePathFilter("wan2"));
            Assert.False(kernel.LoosenReversePathFilter("wan2"));
            Assert.Equal("2", ThrowawayNamespace.Exec("sysctl", "-n", "net.ipv4.conf.wan2.rp_filter").Stdout.Trim());
            Assert.Equal("1", ThrowawayNamespace.Exec("sysctl", "-n", "net.ipv4.conf.all.rp_filter").Stdout.Trim());
            Assert.Equal("0", ThrowawayNamespace.Exec("sysctl", "-n", "net.ipv4.conf.wan0.rp_filter").Stdout.Trim());
        });
    }

    [Fact]
    public void An_odd_rule_in_the_agents_range_is_removed_without_touching_the_agents_own_at_the_same_priority()
    {
        ThrowawayNamespace.Run(() =>
        {
            TwoUplinks();
            var reconciler = NewReconciler();
            var config = Config(routes: [new PolicyRoute(1, "via wan2", true, "192.168.1.20", "wan2", "10.2.0.1")]);
            reconciler.Reconcile(config);
            Sh("ip rule add priority 30001 iif wan0 fwmark 30001 lookup 30001");

            Assert.Equal(["removed ip rule 30001:\tfrom all fwmark 0x7531 iif wan0 lookup 30001"], reconciler.Reconcile(config));

            var rules = Ip("rule", "show");
            Assert.Contains("30001:\tfrom all fwmark 0x7531 lookup 30001", rules, StringComparison.Ordinal);
            Assert.DoesNotContain("iif wan0", rules, StringComparison.Ordinal);
            Assert.Empty(reconciler.Reconcile(config));
        });
    }

    [Fact]
    public void A_policy_whose_link_is_down_falls_back_to_the_main_table_and_returns_when_it_is_up()
    {
        ThrowawayNamespace.Run(() =>
        {
            TwoUplinks();
            Sh("ip route add default via 10.0.0.1 dev wan0");
            var reconciler = NewReconciler();
            var config = Config(routes: [new PolicyRoute(1, "via wan2", true, "192.168.1.20", "wan2", "10.2.0.1")]);
            reconciler.Reconcile(config);
            Assert.Contains("dev wan2", Ip("route", "get", "198.51.100.1", "mark", "30001"), StringComparison.Ordinal);

            Sh("ip link set wan2 down");
            Assert.Empty(reconciler.Reconcile(config));
            Assert.Contains("30001:\tfrom all fwmark 0x7531 lookup 30001", Ip("rule", "show"), StringComparison.Ordinal);
            Assert.Contains("dev wan0", Ip("route", "get", "198.51.100.1", "mark", "30001"), StringComparison.Ordinal);

            Sh("ip link set wan2 up");
            Assert.Equal(["added ip route default via 10.2.0.1 dev wan2 table 30001"], reconciler.Reconcile(config));
            Assert.Contains("dev wan2", Ip("route", "get", "198.51.100.1", "mark", "30001"), StringComparison.Ordinal);
        });
    }
}

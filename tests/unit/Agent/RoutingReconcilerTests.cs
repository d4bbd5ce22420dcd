using Gateway.Agent.Nft;
using Gateway.Agent.Routing;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>What the agent adds and removes in the routing system, and that it never touches what it does not own.</summary>
public sealed class RoutingReconcilerTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-reconcile-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRoutingKernel _routing = new();

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private RoutingReconciler NewReconciler() => new(_routing, new AddedAddressesFile(_stateDir), NullLogger.Instance);

    private static OneToOneNat OneToOne(int id, string external, bool enabled = true, bool add = true) =>
        new(id, $"entry {id}", enabled, external, $"192.168.1.{20 + id}", add);

    private static PolicyRoute Policy(int id, string outInterface = "wan2", string? gateway = "10.2.0.1", bool enabled = true) =>
        new(id, $"policy {id}", enabled, $"192.168.1.{40 + id}", outInterface, gateway);

    private static GatewayConfig Config(IReadOnlyList<OneToOneNat>? oneToOne = null, IReadOnlyList<PolicyRoute>? routes = null, string wan = "wan0", IReadOnlyList<Redirect>? redirects = null, IReadOnlyList<PortForward>? forwards = null) => new(
        new NetworkSettings(wan, "br-lan", "192.168.1.1/24"),
        forwards ?? [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default,
        OneToOne: oneToOne,
        Redirects: redirects,
        PolicyRoutes: routes);

    [Fact]
    public void Wanted_addresses_are_added_and_recorded_and_a_restart_removes_only_those()
    {
        _routing.AddressList.Add(new LinkAddress("wan0", "203.0.113.99", 32));
        var reconciler = NewReconciler();

        reconciler.Reconcile(Config([OneToOne(1, "203.0.113.10"), OneToOne(2, "203.0.113.11", add: false), OneToOne(3, "203.0.113.12", enabled: false)]));

        Assert.Equal(["add address 203.0.113.10 wan0"], _routing.Calls);
        Assert.Equal(["203.0.113.10"], reconciler.AgentAddresses);
        Assert.Contains("203.0.113.10", File.ReadAllText(Path.Combine(_stateDir, AddedAddressesFile.FileName)), StringComparison.Ordinal);

        _routing.Calls.Clear();
        var restarted = NewReconciler();
        restarted.Reconcile(Config());

        Assert.Equal(["remove address 203.0.113.10 wan0"], _routing.Calls);
        Assert.Equal([new LinkAddress("wan0", "203.0.113.99", 32)], _routing.AddressList);
        Assert.Empty(restarted.AgentAddresses);
    }

    [Fact]
    public void An_address_already_on_the_wan_that_the_agent_did_not_add_is_neither_recorded_nor_ever_removed()
    {
        _routing.AddressList.Add(new LinkAddress("wan0", "203.0.113.10", 32));
        var reconciler = NewReconciler();

        reconciler.Reconcile(Config([OneToOne(1, "203.0.113.10")]));
        reconciler.Reconcile(Config());

        Assert.Empty(_routing.Calls);
        Assert.Empty(reconciler.AgentAddresses);
        Assert.Single(_routing.AddressList);
    }

    [Fact]
    public void An_address_someone_removed_is_added_again_and_a_changed_wan_moves_it()
    {
        var reconciler = NewReconciler();
        var entry = OneToOne(1, "203.0.113.10");
        reconciler.Reconcile(Config([entry]));
        _routing.AddressList.Clear();

        Assert.Equal(["added address 203.0.113.10/32 to wan0"], reconciler.Reconcile(Config([entry])));

        Assert.Equal(
            ["removed address 203.0.113.10/32 from wan0", "added address 203.0.113.10/32 to wan2"],
            reconciler.Reconcile(Config([entry], wan: "wan2")));
        Assert.Equal([new LinkAddress("wan2", "203.0.113.10", 32)], _routing.AddressList);
    }

    [Fact]
    public void A_wildcard_wan_without_a_matching_link_adds_nothing_until_one_appears()
    {
        var reconciler = NewReconciler();
        var config = Config([OneToOne(1, "203.0.113.10")], wan: "ppp*");

        Assert.Empty(reconciler.Reconcile(config));
        _routing.LinkList.Add(new KernelLink(9, "ppp1", true));
        _routing.LinkList.Add(new KernelLink(8, "ppp0", true));

        Assert.Equal(["added address 203.0.113.10/32 to ppp0"], reconciler.Reconcile(config));
    }

    [Fact]
    public void Policy_routes_get_numbered_rules_and_tables_by_id_order_plus_the_suppress_rule()
    {
        var reconciler = NewReconciler();

        reconciler.Reconcile(Config(routes: [Policy(9, "wan0", null), Policy(4), Policy(6, enabled: false)]));

        Assert.Equal(
            [new RoutingRule(30000, 254, SuppressPrefixLength: 0), new RoutingRule(30001, 30001, FwMark: 30001), new RoutingRule(30002, 30002, FwMark: 30002)],
            _routing.RuleList.Where(r => r.IsOwned));
        Assert.Equal(
            [new RoutingRoute(30001, "default", "10.2.0.1", "wan2"), new RoutingRoute(30002, "default", null, "wan0")],
            _routing.RouteList);
    }

    [Fact]
    public void Owned_rules_and_routes_not_wanted_go_and_foreign_ones_stay()
    {
        RoutingRule[] foreign = [new(100, 200, FwMark: 100), new(29999, 254), new(31000, 254)];
        _routing.RuleList.AddRange(foreign);
        _routing.RuleList.AddRange([new RoutingRule(30500, 254), new RoutingRule(500, 30007), new RoutingRule(30001, 30001, FwMark: 30001, Extra: "iif eth9")]);
        _routing.RouteList.Add(new RoutingRoute(30009, "10.9.0.0/16", null, "wan0"));
        var reconciler = NewReconciler();

        reconciler.Reconcile(Config(routes: [Policy(1)]));

        Assert.Equal([.. foreign, new RoutingRule(30000, 254, SuppressPrefixLength: 0), new RoutingRule(30001, 30001, FwMark: 30001)], _routing.RuleList.Skip(3));
        Assert.Equal([new RoutingRoute(30001, "default", "10.2.0.1", "wan2")], _routing.RouteList);

        reconciler.Reconcile(Config());
        Assert.Equal(foreign, _routing.RuleList.Skip(3));
        Assert.Empty(_routing.RouteList);
    }

    [Fact]
    public void A_strict_reverse_path_filter_on_a_policy_out_link_is_made_loose()
    {
        _routing.StrictReversePath.UnionWith(["wan2", "wan0"]);
        var reconciler = NewReconciler();

        var changes = reconciler.Reconcile(Config(routes: [Policy(1)]));

        Assert.Contains("set net.ipv4.conf.wan2.rp_filter to 2 (loose)", changes);
        Assert.Equal(["wan0"], _routing.StrictReversePath);
    }

    [Fact]
    public void An_external_address_another_host_holds_on_the_wan_is_not_added_and_the_failure_says_why()
    {
        _routing.Claims["wan0 198.51.100.1"] = "is the gateway of wan0's default route";
        var reconciler = NewReconciler();

        reconciler.Reconcile(Config(oneToOne: [OneToOne(1, "198.51.100.1"), OneToOne(2, "198.51.100.20")]));

        Assert.DoesNotContain("add address 198.51.100.1 wan0", _routing.Calls);
        Assert.Contains("add address 198.51.100.20 wan0", _routing.Calls);
        Assert.Equal([new AddedAddress("wan0", "198.51.100.20")], new AddedAddressesFile(_stateDir).Load());
    }

    [Fact]
    public void A_loosened_reverse_path_filter_gets_its_value_back_when_no_policy_needs_it_also_after_a_restart()
    {
        _routing.StrictReversePath.Add("wan2");
        NewReconciler().Reconcile(Config(routes: [Policy(1)]));
        Assert.Equal(["wan2"], _routing.LooseReversePath);

        // A restarted agent (a new reconciler) finds the record in the state directory.
        var changes = NewReconciler().Reconcile(Config());

        Assert.Contains("set net.ipv4.conf.wan2.rp_filter back to 1", changes);
        Assert.Equal(["wan2"], _routing.StrictReversePath);
        Assert.Empty(_routing.LooseReversePath);
        Assert.Empty(new LoosenedFiltersFile(_stateDir).Load());
    }

    [Fact]
    public void A_reverse_path_filter_the_agent_did_not_loosen_is_never_touched()
    {
        // Loose already (the owner's choice): no record, nothing to put back.
        _routing.LooseReversePath.Add("wan2");
        var reconciler = NewReconciler();
        reconciler.Reconcile(Config(routes: [Policy(1)]));
        var changes = reconciler.Reconcile(Config());

        Assert.DoesNotContain(changes, c => c.Contains("rp_filter", StringComparison.Ordinal));
        Assert.Equal(["wan2"], _routing.LooseReversePath);
    }

    [Fact]
    public void A_route_whose_link_is_down_waits_and_is_added_once_the_link_is_up()
    {
        var reconciler = NewReconciler();
        var config = Config(routes: [Policy(1)]);
        _routing.SetLink("wan2", up: false);

        reconciler.Reconcile(config);
        Assert.Contains(new RoutingRule(30001, 30001, FwMark: 30001), _routing.RuleList);
        Assert.Empty(_routing.RouteList);
        Assert.DoesNotContain("add route 30001", _routing.Calls);

        _routing.SetLink("wan2", up: true);
        Assert.Equal(["added ip route default via 10.2.0.1 dev wan2 table 30001"], reconciler.Reconcile(config));
        Assert.Empty(reconciler.Reconcile(config));
    }

    [Fact]
    public async Task The_manager_reconciles_on_apply_on_lockdown_and_on_every_drift_pass()
    {
        var kernel = new FakeRulesetKernel();
        var reconciler = NewReconciler();
        var manager = new RulesetManager(kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance, reconciler);
        var config = Config([OneToOne(1, "203.0.113.10")], [Policy(1)]);

        Assert.True((await manager.ApplyAsync(1, config)).Ok);
        Assert.Equal(["203.0.113.10"], manager.AgentAddresses);
        Assert.Single(_routing.RouteList);
        Assert.Contains("ip rule 30001: from all fwmark 0x7531 lookup 30001", await manager.DescribeRoutingAsync(), StringComparison.Ordinal);
        Assert.Contains("ip address 203.0.113.10/32 dev wan0", await manager.DescribeRoutingAsync(), StringComparison.Ordinal);

        _routing.SetLink("wan2", up: false);
        Assert.Null(await manager.CheckDriftAsync());
        _routing.SetLink("wan2", up: true);
        Assert.Null(await manager.CheckDriftAsync());
        Assert.Single(_routing.RouteList);

        // Someone deleting the agent's rule is drift, repaired and reported.
        _routing.RuleList.Remove(new RoutingRule(30001, 30001, FwMark: 30001));
        var drift = await manager.CheckDriftAsync();
        Assert.NotNull(drift);
        Assert.True(drift.Repaired);
        Assert.Contains("added ip rule 30001:", drift.What, StringComparison.Ordinal);
        Assert.Contains(new RoutingRule(30001, 30001, FwMark: 30001), _routing.RuleList);

        // A restart whose snapshot can't be restored (LAN gone) locks down and takes away what the agent added.
        kernel.Links.Remove("br-lan");
        var restarted = new RulesetManager(kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance, NewReconciler());
        Assert.False(restarted.RestoreLastGood());
        Assert.True(restarted.InLockdown);
        Assert.Empty(_routing.RouteList);
        Assert.DoesNotContain(_routing.RuleList, r => r.IsOwned);
        Assert.Empty(_routing.AddressList);
    }

    [Fact]
    public void Stale_marks_cover_every_kind_of_entry_and_only_changes_packets_see()
    {
        var forward = new PortForward(5, "web", true, ForwardProtocol.Tcp, 80, null, "192.168.1.20", 8080, null);
        var redirect = new Redirect(2, "dns", true, null, ForwardProtocol.Udp, 53, null, 5353, null);
        var before = Config([OneToOne(1, "203.0.113.10"), OneToOne(2, "203.0.113.11")], [Policy(1), Policy(2)], redirects: [redirect], forwards: [forward]);

        Assert.Empty(StaleConnections.Marks(null, before));
        var renamed = before with
        {
            OneToOne = [OneToOne(1, "203.0.113.10") with { Name = "renamed" }, OneToOne(2, "203.0.113.11")],
            Redirects = [redirect with { Name = "renamed" }],
            PolicyRoutes = [Policy(1) with { Name = "renamed" }, Policy(2)],
        };
        Assert.Empty(StaleConnections.Marks(before, renamed));

        var after = before with
        {
            PortForwards = [],
            OneToOne = [OneToOne(1, "203.0.113.10"), OneToOne(2, "203.0.113.12")],
            Redirects = [redirect with { Enabled = false }],
            // Removing policy 1 moves policy 2 into slot 0: its table, rule and mark change, so its connections go too.
            PolicyRoutes = [Policy(2)],
        };
        Assert.Equal(
            [5u, CtMarks.OneToOne(2), CtMarks.Redirect(2), CtMarks.PolicyRoute(1), CtMarks.PolicyRoute(2)],
            StaleConnections.Marks(before, after));
    }
}

using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The LAN address on the LAN link: added when missing, moved with the setting, only ever the agent's own removed.</summary>
public sealed class LanAddressReconcilerTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-lanaddr-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly FakeRoutingKernel _routing = new();

    public LanAddressReconcilerTests() => _routing.LanAddressList.Clear();

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private RoutingReconciler NewReconciler() => new(_routing, new AddedAddressesFile(_stateDir), NullLogger.Instance);

    private static GatewayConfig Config(string lanAddress = "192.168.1.1/24", string lan = "br-lan") =>
        new(new NetworkSettings("wan0", lan, lanAddress), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default);

    [Fact]
    public void A_missing_lan_address_is_added_and_a_changed_setting_moves_it_after_a_restart_too()
    {
        Assert.Equal(["added address 192.168.1.1/24 to br-lan"], NewReconciler().Reconcile(Config()));
        Assert.Equal([new LinkAddress("br-lan", "192.168.1.1", 24)], _routing.LanAddressList);
        Assert.Empty(NewReconciler().Reconcile(Config()));

        // A new run (the record survives) with a new setting: the new address first, then the old one goes.
        var changes = NewReconciler().Reconcile(Config("10.0.5.1/16"));

        Assert.Equal(["added address 10.0.5.1/16 to br-lan", "removed address 192.168.1.1/24 from br-lan"], changes);
        Assert.Equal([new LinkAddress("br-lan", "10.0.5.1", 16)], _routing.LanAddressList);
        Assert.Contains("br-lan", _routing.PromoteSecondaries);
        Assert.Empty(NewReconciler().AgentAddresses); // the interfaces reply lists 1:1 addresses only
    }

    [Fact]
    public void A_lan_address_someone_else_put_there_is_neither_recorded_nor_ever_removed()
    {
        _routing.LanAddressList.Add(new LinkAddress("br-lan", "192.168.1.1", 24));
        _routing.LanAddressList.Add(new LinkAddress("br-lan", "192.168.1.7", 24));
        var reconciler = NewReconciler();

        Assert.Empty(reconciler.Reconcile(Config()));
        Assert.Equal(["added address 192.168.2.1/24 to br-lan"], reconciler.Reconcile(Config("192.168.2.1/24")));
        Assert.Equal(["added address 192.168.3.1/24 to br-lan", "removed address 192.168.2.1/24 from br-lan"], NewReconciler().Reconcile(Config("192.168.3.1/24")));

        Assert.Contains(new LinkAddress("br-lan", "192.168.1.1", 24), _routing.LanAddressList);
        Assert.Contains(new LinkAddress("br-lan", "192.168.1.7", 24), _routing.LanAddressList);
        Assert.DoesNotContain(_routing.LanAddressList, a => a.Address == "192.168.2.1");
    }

    [Fact]
    public void The_first_boot_address_is_held_before_setup_and_removed_when_setup_names_another()
    {
        var firstBoot = new FirstBootLan("eth1", "192.168.1.1/24");
        _routing.LinkList.Add(new KernelLink(9, "eth1", true));

        Assert.Equal(["added address 192.168.1.1/24 to eth1"], NewReconciler().Reconcile(null, firstBoot));

        // Setup picked another LAN link and address: the first-boot address (the agent's) goes.
        var changes = NewReconciler().Reconcile(Config("10.1.1.1/24", lan: "eth1"));

        Assert.Equal(["added address 10.1.1.1/24 to eth1", "removed address 192.168.1.1/24 from eth1"], changes);
        Assert.Equal([new LinkAddress("eth1", "10.1.1.1", 24)], _routing.LanAddressList);
    }

    [Fact]
    public void Setup_keeping_the_first_boot_address_keeps_it_on_the_link()
    {
        var firstBoot = new FirstBootLan("br-lan", "192.168.1.1/24");
        NewReconciler().Reconcile(null, firstBoot);
        _routing.Calls.Clear();

        Assert.Empty(NewReconciler().Reconcile(Config()));
        Assert.Empty(_routing.Calls);
        Assert.Equal([new LinkAddress("br-lan", "192.168.1.1", 24)], _routing.LanAddressList);
    }
}

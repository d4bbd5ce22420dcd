using System.Diagnostics;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Kernel;
using Gateway.Agent.Links;
using Gateway.Agent.Nft;
using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The IPv6 runtime against the real kernel, each test in its own throwaway namespace; <c>ip</c>/<c>nft</c> only set up and check.</summary>
public sealed class Ipv6KernelTests : IDisposable
{
    private const string HostMac = "02:00:00:00:00:10";
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-v6k-{Environment.ProcessId}-{Guid.NewGuid():N}");

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

    private static string Out(string script) => ThrowawayNamespace.Shell(script).Stdout;

    // A LAN veth with IPv6 on (whatever the host's default), and a WAN veth.
    private static void Links() => Sh("""
        sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0 &&
        ip link add br-lan type veth peer name lanp && ip link set lanp up && ip link set br-lan up &&
        ip link add wan0 type veth peer name wan0p && ip link set wan0p up && ip link set wan0 up
        """);

    private static GatewayConfig Config(string? lanIpv6, IReadOnlyList<Pinhole>? pinholes = null) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24", LanIpv6: lanIpv6),
        [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default,
        Pinholes: pinholes);

    [Fact]
    public void The_static_lan_address_appears_usable_at_once_and_disappears_when_ipv6_goes_off()
    {
        ThrowawayNamespace.Run(() =>
        {
            Links();
            var kernel = new RoutingKernel();
            var reconciler = new RoutingReconciler(kernel, new AddedAddressesFile(_stateDir), NullLogger.Instance);

            var changes = reconciler.Reconcile(Config("2001:db8:1::1/64"));

            // The LAN link also gets the LAN's IPv4 address, which the agent puts there whatever the IPv6 setting.
            Assert.Equal(["added address 192.168.1.1/24 to br-lan", "added address 2001:db8:1::1/64 to br-lan"], changes);
            // No duplicate address detection: usable at once, not "tentative" (the link-local one is, for a while).
            var shown = Out("ip -6 addr show dev br-lan").Split('\n').Single(l => l.Contains("2001:db8:1::1/64", StringComparison.Ordinal));
            Assert.Contains("scope global", shown, StringComparison.Ordinal);
            Assert.DoesNotContain("tentative", shown, StringComparison.Ordinal);
            Assert.Contains(new LinkAddress("br-lan", "2001:db8:1::1", 64), kernel.Ipv6Addresses());
            Assert.Contains("ip address 2001:db8:1::1/64 dev br-lan", reconciler.Describe(), StringComparison.Ordinal);

            // A restarted agent with IPv6 off removes what the previous run added.
            var restarted = new RoutingReconciler(kernel, new AddedAddressesFile(_stateDir), NullLogger.Instance);
            Assert.Equal(["removed address 2001:db8:1::1/64 from br-lan"], restarted.Reconcile(Config(null)));
            Assert.DoesNotContain("2001:db8:1::1", Out("ip -6 addr show dev br-lan"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_ipv6_neighbour_is_listed_and_fills_its_mac_pinhole_set_from_the_event_and_leaves_it_when_deleted()
    {
        ThrowawayNamespace.Run(() =>
        {
            Links();
            Sh("nft add table inet gateway && nft add set inet gateway ph_mac_7 '{ type ipv6_addr; }'");
            var fingerprint = new RulesetKernel(new NftApplier()).Fingerprint();
            var sync = new PinholeSync(new PinholeKernel(), NullLogger<PinholeSync>.Instance);
            var config = Config("auto", [new Pinhole(7, "nas", true, ForwardProtocol.Tcp, 443, null, null, "02:00:00:00:00:10", null)]);
            sync.Sync(config, full: true);

            using var events = new NetlinkSocket(0);
            events.Subscribe(1u << 2);
            events.SetReceiveTimeout(TimeSpan.FromMilliseconds(100));

            Sh($"ip -6 neigh add 2001:db8:1::10 lladdr {HostMac} dev br-lan && ip -6 neigh add fe80::10 lladdr {HostMac} dev br-lan");
            AwaitIpv6Event(events);
            sync.Sync(config, full: false);

            var set = Out("nft list set inet gateway ph_mac_7");
            Assert.Contains("2001:db8:1::10", set, StringComparison.Ordinal);
            Assert.DoesNotContain("fe80::10", set, StringComparison.Ordinal);
            Assert.Contains(new Neighbour("2001:db8:1::10", HostMac, "br-lan"), NeighbourTable.Read());
            Assert.Contains(new Neighbour("fe80::10", HostMac, "br-lan"), NeighbourTable.Read());
            Assert.Equal(fingerprint, new RulesetKernel(new NftApplier()).Fingerprint());

            Sh("ip -6 neigh del 2001:db8:1::10 dev br-lan");
            AwaitIpv6Event(events);
            sync.Sync(config, full: false);
            Assert.DoesNotContain("2001:db8:1::10", Out("nft list set inet gateway ph_mac_7"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_watch_loop_syncs_once_a_burst_of_neighbour_events_goes_quiet()
    {
        ThrowawayNamespace.Run(() =>
        {
            Links();
            using var events = new NetlinkSocket(0);
            events.Subscribe(1u << 2);
            events.SetReceiveTimeout(TimeSpan.FromMilliseconds(100));

            // Three hosts at once (queued on the socket before the loop starts), plus an IPv4 one that triggers nothing.
            Sh($"ip -6 neigh add 2001:db8:1::10 lladdr {HostMac} dev br-lan && ip -6 neigh add 2001:db8:1::11 lladdr 02:00:00:00:00:11 dev br-lan && " +
               "ip -6 neigh add 2001:db8:1::12 lladdr 02:00:00:00:00:12 dev br-lan && ip neigh add 192.168.1.20 lladdr 02:00:00:00:00:20 dev br-lan");
            var passes = new List<bool>();
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var clock = Stopwatch.StartNew();
            NeighbourWatcher.Watch(events, full =>
            {
                passes.Add(full);
                stop.Cancel();
            }, stop.Token);

            Assert.Equal([false], passes);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"took {clock.Elapsed}");
        });
    }

    [Fact]
    public void The_watch_loop_ignores_ipv4_neighbour_events()
    {
        ThrowawayNamespace.Run(() =>
        {
            Links();
            using var events = new NetlinkSocket(0);
            events.Subscribe(1u << 2);
            events.SetReceiveTimeout(TimeSpan.FromMilliseconds(100));
            Sh("ip neigh add 192.168.1.20 lladdr 02:00:00:00:00:20 dev br-lan");
            var passes = new List<bool>();
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(600));

            NeighbourWatcher.Watch(events, passes.Add, stop.Token);

            Assert.Empty(passes);
        });
    }

    private static void AwaitIpv6Event(NetlinkSocket events)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            if (NeighbourWatcher.TouchesIpv6(events.ReceiveEvents()))
            {
                return;
            }
        }

        Assert.Fail("no IPv6 neighbour event within a second");
    }

    [Fact]
    public void Ipv6_forwarding_and_accept_ra_are_set_in_the_namespace_only()
    {
        ThrowawayNamespace.Run(() =>
        {
            Links();
            Sh("sysctl -qw net.ipv6.conf.all.forwarding=0 net.ipv6.conf.wan0.accept_ra=1");

            Assert.True(Sysctl.KeepAcceptingRouterAdvertisements("wan0"));
            Assert.True(Sysctl.TurnOn(Sysctl.Ipv6Forward));

            Assert.Equal("2", Out("sysctl -n net.ipv6.conf.wan0.accept_ra").Trim());
            Assert.Equal("1", Out("sysctl -n net.ipv6.conf.all.forwarding").Trim());
            Assert.False(Sysctl.KeepAcceptingRouterAdvertisements("wan0"));
            Assert.Throws<IOException>(() => Sysctl.KeepAcceptingRouterAdvertisements("../all"));
        });
    }
}

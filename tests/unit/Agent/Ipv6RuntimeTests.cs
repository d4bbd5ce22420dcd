using System.Buffers.Binary;
using Gateway.Agent.Links;
using Gateway.Agent.Nft;
using Gateway.Agent.Routing;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The agent's IPv6 runtime without root: neighbour message parsing, MAC pinhole set decisions, forwarding and
/// accept_ra, the static LAN address, pinhole connection cuts and the drift fingerprint.
/// </summary>
public sealed class Ipv6RuntimeTests : IDisposable
{
    private const string HostMac = "02:00:00:00:00:10";
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-v6-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private static Pinhole MacPinhole(int id, string mac = HostMac, bool enabled = true, int port = 443) =>
        new(id, $"pinhole {id}", enabled, ForwardProtocol.Tcp, port, null, null, mac, null);

    private static GatewayConfig Config(string? lanIpv6 = "auto", IReadOnlyList<Pinhole>? pinholes = null, string wan = "wan0", string lan = "br-lan") => new(
        new NetworkSettings(wan, lan, "192.168.1.1/24", LanIpv6: lanIpv6),
        [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default,
        Pinholes: pinholes);

    // ---- neighbour messages (laid out as linux/neighbour.h: ndmsg, then NDA_DST, NDA_LLADDR, NDA_CACHEINFO) ----

    private static byte[] NeighbourBody(byte family, int index, ushort state, byte[] address, byte[]? mac)
    {
        var body = new List<byte>();
        var header = new byte[12];
        header[0] = family;
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), index);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), state);
        header[11] = 1; // RTN_UNICAST
        body.AddRange(header);
        Attribute(body, 1, address);
        if (mac is not null)
        {
            Attribute(body, 2, mac);
        }

        Attribute(body, 3, new byte[16]); // NDA_CACHEINFO: ignored
        return [.. body];
    }

    private static void Attribute(List<byte> body, ushort type, byte[] payload)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(4 + payload.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), type);
        body.AddRange(header);
        body.AddRange(payload);
        while (body.Count % 4 != 0)
        {
            body.Add(0);
        }
    }

    private static byte[] Message(ushort type, byte[] body)
    {
        var message = new byte[16 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), type);
        body.CopyTo(message, 16);
        return message;
    }

    private static readonly byte[] GlobalAddress = System.Net.IPAddress.Parse("2001:db8:1::10").GetAddressBytes();
    private static readonly byte[] MacBytes = [0x02, 0, 0, 0, 0, 0x10];

    [Fact]
    public void An_ipv6_neighbour_message_is_parsed_with_its_address_mac_and_state()
    {
        var parsed = NeighbourMessages.Parse(NeighbourBody(10, 3, 0x04, GlobalAddress, MacBytes));

        Assert.Equal(new DumpedNeighbour(3, "2001:db8:1::10", HostMac, 0x04), parsed);
        Assert.True(parsed!.Usable);
    }

    [Theory]
    [InlineData((ushort)0x02, true)] // reachable
    [InlineData((ushort)0x08, true)] // delay
    [InlineData((ushort)0x10, true)] // probe
    [InlineData((ushort)0x80, true)] // permanent
    [InlineData((ushort)0x01, false)] // incomplete
    [InlineData((ushort)0x20, false)] // failed
    [InlineData((ushort)0x40, false)] // noarp
    public void Only_resolved_states_are_usable(ushort state, bool usable) =>
        Assert.Equal(usable, NeighbourMessages.Parse(NeighbourBody(10, 3, state, GlobalAddress, MacBytes))!.Usable);

    [Fact]
    public void A_neighbour_without_lladdr_is_not_usable_and_other_families_or_broken_lengths_are_handled()
    {
        Assert.False(NeighbourMessages.Parse(NeighbourBody(10, 3, 0x02, GlobalAddress, null))!.Usable);
        Assert.Equal("192.168.1.20", NeighbourMessages.Parse(NeighbourBody(2, 3, 0x02, [192, 168, 1, 20], MacBytes))!.Address);
        Assert.Null(NeighbourMessages.Parse(NeighbourBody(7, 3, 0x02, [1, 2], MacBytes)));
        Assert.Throws<InvalidDataException>(() => NeighbourMessages.Parse(NeighbourBody(10, 3, 0x02, [1, 2, 3, 4], MacBytes)));
        Assert.Throws<InvalidDataException>(() => NeighbourMessages.Parse(new byte[8]));
    }

    [Fact]
    public void A_batch_triggers_a_pass_only_for_ipv6_neighbour_messages()
    {
        var v6New = Message(28, NeighbourBody(10, 3, 0x02, GlobalAddress, MacBytes));
        var v6Del = Message(29, NeighbourBody(10, 3, 0x00, GlobalAddress, null));
        var v4New = Message(28, NeighbourBody(2, 3, 0x02, [192, 168, 1, 20], MacBytes));
        var link = Message(16, new byte[16]);

        Assert.True(NeighbourWatcher.TouchesIpv6(v6New));
        Assert.True(NeighbourWatcher.TouchesIpv6(v6Del));
        Assert.False(NeighbourWatcher.TouchesIpv6(v4New));
        Assert.False(NeighbourWatcher.TouchesIpv6(link));
        Assert.True(NeighbourWatcher.TouchesIpv6([.. v4New, .. link, .. v6Del]));
        Assert.False(NeighbourWatcher.TouchesIpv6([]));
    }

    [Fact]
    public void The_neighbours_reply_lists_resolved_ipv6_entries_with_a_mac()
    {
        var listed = NeighbourTable.Ipv6([
            new KernelNeighbour("br-lan", "2001:db8:1::10", HostMac, true),
            new KernelNeighbour("br-lan", "fe80::10", HostMac, true),
            new KernelNeighbour("br-lan", "2001:db8:1::11", null, false),
            new KernelNeighbour("br-lan", "2001:db8:1::12", "02:00:00:00:00:12", false),
        ]);

        Assert.Equal([new Neighbour("2001:db8:1::10", HostMac, "br-lan"), new Neighbour("fe80::10", HostMac, "br-lan")], listed);
    }

    // ---- MAC pinhole sets ----

    [Fact]
    public void A_mac_pinhole_set_gets_the_global_and_ula_addresses_of_that_mac_on_the_lan_only()
    {
        var wanted = PinholeSets.Wanted(Config(pinholes: [MacPinhole(7, "02:00:00:00:00:1A"), MacPinhole(8, "02:00:00:00:00:99"), MacPinhole(9, enabled: false)]), [
            new KernelNeighbour("br-lan", "2001:db8:1::1a", "02:00:00:00:00:1a", true),
            new KernelNeighbour("br-lan", "fd00::1a", "02:00:00:00:00:1a", true),
            new KernelNeighbour("br-lan", "fe80::1a", "02:00:00:00:00:1a", true),
            new KernelNeighbour("wan0", "2001:db8:9::1a", "02:00:00:00:00:1a", true),
            new KernelNeighbour("br-lan", "2001:db8:1::1b", "02:00:00:00:00:1a", false),
            new KernelNeighbour("br-lan", "ff02::1", "02:00:00:00:00:1a", true),
        ]);

        Assert.Equal([7, 8], wanted.Keys.Order());
        Assert.Equal(["2001:db8:1::1a", "fd00::1a"], wanted[7]);
        Assert.Empty(wanted[8]);
    }

    [Fact]
    public void Ipv6_off_wants_no_sets()
    {
        Assert.Empty(PinholeSets.Wanted(Config(lanIpv6: null, pinholes: [MacPinhole(7)]), [new KernelNeighbour("br-lan", "2001:db8:1::10", HostMac, true)]));
    }

    [Fact]
    public void The_script_flushes_then_fills_each_set_in_one_transaction()
    {
        var script = PinholeSets.Script(new Dictionary<int, IReadOnlyList<string>> { [8] = [], [7] = ["2001:db8:1::10", "fd00::10"] });

        Assert.Equal(
            "flush set inet gateway ph_mac_7\nadd element inet gateway ph_mac_7 { 2001:db8:1::10, fd00::10 }\nflush set inet gateway ph_mac_8\n",
            script);
    }

    private sealed class FakePinholeKernel : IPinholeKernel
    {
        public List<KernelNeighbour> Neighbours { get; } = [];

        public List<string> Scripts { get; } = [];

        public bool Refuse { get; set; }

        public List<(uint Mark, string Address)> Cut { get; } = [];

        public IReadOnlyList<KernelNeighbour> Ipv6Neighbours() => [.. Neighbours];

        public void DeleteConnections(uint mark, string address) => Cut.Add((mark, address));

        public NftResult Run(string script)
        {
            Scripts.Add(script);
            return Refuse ? new NftResult(false, string.Empty, "No such file or directory") : new NftResult(true, string.Empty, string.Empty);
        }
    }

    [Fact]
    public void Sync_writes_only_changed_sets_between_full_passes_and_heals_after_a_failure()
    {
        var kernel = new FakePinholeKernel();
        var sync = new PinholeSync(kernel, NullLogger<PinholeSync>.Instance);
        var config = Config(pinholes: [MacPinhole(7), MacPinhole(8, "02:00:00:00:00:20")]);

        // After an apply the sets are empty in the kernel: a full pass writes every one.
        sync.Sync(config, full: true);
        Assert.Equal(["flush set inet gateway ph_mac_7\nflush set inet gateway ph_mac_8\n"], kernel.Scripts);

        // An event that changes nothing costs no nft call.
        kernel.Scripts.Clear();
        Assert.Empty(sync.Sync(config, full: false));
        Assert.Empty(kernel.Scripts);

        // The host appears: only its set is written.
        kernel.Neighbours.Add(new KernelNeighbour("br-lan", "2001:db8:1::10", HostMac, true));
        Assert.Equal(["ph_mac_7: 2001:db8:1::10"], sync.Sync(config, full: false));
        Assert.Equal(["flush set inet gateway ph_mac_7\nadd element inet gateway ph_mac_7 { 2001:db8:1::10 }\n"], kernel.Scripts);

        // Its entry fails (or is deleted): the set is emptied.
        kernel.Scripts.Clear();
        kernel.Neighbours[0] = kernel.Neighbours[0] with { Usable = false };
        Assert.Equal(["ph_mac_7: (empty)"], sync.Sync(config, full: false));

        // A refused write leaves the state unknown: the next pass rewrites every set.
        kernel.Scripts.Clear();
        kernel.Refuse = true;
        kernel.Neighbours[0] = kernel.Neighbours[0] with { Usable = true };
        Assert.Empty(sync.Sync(config, full: false));
        kernel.Refuse = false;
        kernel.Neighbours.Clear();
        sync.Sync(config, full: false);
        Assert.Equal("flush set inet gateway ph_mac_7\nflush set inet gateway ph_mac_8\n", kernel.Scripts[^1]);
    }

    [Fact]
    public void An_address_that_leaves_a_set_takes_that_pinholes_connections_to_it_along()
    {
        var kernel = new FakePinholeKernel();
        var sync = new PinholeSync(kernel, NullLogger<PinholeSync>.Instance);
        var config = Config(pinholes: [MacPinhole(7), MacPinhole(8, "02:00:00:00:00:20")]);
        kernel.Neighbours.Add(new KernelNeighbour("br-lan", "2001:db8:1::10", HostMac, true));
        kernel.Neighbours.Add(new KernelNeighbour("br-lan", "2001:db8:1::11", HostMac, true));
        sync.Sync(config, full: true);
        Assert.Empty(kernel.Cut);

        // Another host claims ::11: it moves from pinhole 7's set to pinhole 8's.
        kernel.Neighbours[1] = kernel.Neighbours[1] with { Mac = "02:00:00:00:00:20" };
        sync.Sync(config, full: false);
        Assert.Equal([(0x0400_0007u, "2001:db8:1::11")], kernel.Cut);

        // Its owner takes it back: pinhole 8's connections to it go, also when a full pass is what notices.
        kernel.Cut.Clear();
        kernel.Neighbours[1] = kernel.Neighbours[1] with { Mac = HostMac };
        sync.Forget();
        sync.Sync(config, full: true);
        Assert.Equal([(0x0400_0008u, "2001:db8:1::11")], kernel.Cut);
    }

    [Fact]
    public void Sync_without_mac_pinholes_never_touches_nft()
    {
        var kernel = new FakePinholeKernel();
        var sync = new PinholeSync(kernel, NullLogger<PinholeSync>.Instance);

        sync.Sync(Config(pinholes: [new Pinhole(3, "suffix", true, ForwardProtocol.Tcp, 22, null, "::10", null, null)]), full: true);
        sync.Sync(null, full: true);

        Assert.Empty(kernel.Scripts);
    }

    [Fact]
    public void Drift_fingerprint_ignores_the_elements_of_mac_pinhole_sets_only()
    {
        // The agent fills ph_mac_* between applies; a static MAC set is the config's.
        Assert.False(new TableHasher.SetInfo("ph_mac_7", 0).ElementsCount);
        Assert.True(new TableHasher.SetInfo("lan_macs", 0).ElementsCount);
        Assert.True(new TableHasher.SetInfo("ph_mac", 0).ElementsCount);
    }

    // ---- forwarding and accept_ra ----

    private RulesetManager NewManager(FakeRulesetKernel kernel) => new(kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);

    [Fact]
    public async Task Ipv6_on_turns_ipv6_forwarding_on_after_keeping_ras_on_the_named_wan()
    {
        var kernel = new FakeRulesetKernel();
        var applied = await NewManager(kernel).ApplyAsync(1, Config());

        Assert.True(applied.Ok, applied.Error);
        Assert.True(kernel.Forwarding);
        Assert.True(kernel.Ipv6Forwarding);
        Assert.Equal(2, kernel.AcceptRa["wan0"]);
    }

    [Fact]
    public async Task Ipv6_off_leaves_ipv6_forwarding_and_accept_ra_alone()
    {
        var kernel = new FakeRulesetKernel();
        await NewManager(kernel).ApplyAsync(1, Config(lanIpv6: null));

        Assert.True(kernel.Forwarding);
        Assert.False(kernel.Ipv6Forwarding);
        Assert.Empty(kernel.AcceptRa);
    }

    [Fact]
    public async Task A_wan_pattern_or_ras_turned_off_by_the_owner_keep_accept_ra_as_it_is()
    {
        var kernel = new FakeRulesetKernel();
        kernel.Links.Add("ppp0");
        await NewManager(kernel).ApplyAsync(1, Config(wan: "ppp*"));
        Assert.Empty(kernel.AcceptRa);
        Assert.True(kernel.Ipv6Forwarding);

        var owner = new FakeRulesetKernel();
        owner.AcceptRa["wan0"] = 0;
        await NewManager(owner).ApplyAsync(1, Config());
        Assert.Equal(0, owner.AcceptRa["wan0"]);
    }

    [Fact]
    public async Task Ipv6_forwarding_turned_off_by_someone_is_drift_and_is_turned_back_on()
    {
        var kernel = new FakeRulesetKernel();
        var manager = NewManager(kernel);
        await manager.ApplyAsync(1, Config());
        kernel.Ipv6Forwarding = false;

        var drift = await manager.CheckDriftAsync();

        Assert.NotNull(drift);
        Assert.Equal("net.ipv6.conf.all.forwarding was turned off", drift.What);
        Assert.True(kernel.Ipv6Forwarding);
        Assert.Null(await manager.CheckDriftAsync());
    }

    [Fact]
    public async Task An_apply_fills_the_pinhole_sets_and_lockdown_or_no_config_never_writes_them()
    {
        var kernel = new FakeRulesetKernel();
        var pinholeKernel = new FakePinholeKernel();
        pinholeKernel.Neighbours.Add(new KernelNeighbour("br-lan", "2001:db8:1::10", HostMac, true));
        var manager = new RulesetManager(kernel, new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance, pinholes: new PinholeSync(pinholeKernel, NullLogger<PinholeSync>.Instance));

        // Before any config: nothing to keep.
        await manager.SyncPinholesAsync(full: true);
        Assert.Empty(pinholeKernel.Scripts);

        Assert.True((await manager.ApplyAsync(1, Config(pinholes: [MacPinhole(7)]))).Ok);
        Assert.Equal(["flush set inet gateway ph_mac_7\nadd element inet gateway ph_mac_7 { 2001:db8:1::10 }\n"], pinholeKernel.Scripts);

        // Between applies the watcher's passes write only what changed.
        await manager.SyncPinholesAsync(full: false);
        Assert.Single(pinholeKernel.Scripts);
        await manager.SyncPinholesAsync(full: true);
        Assert.Equal(2, pinholeKernel.Scripts.Count);

        // A manager in lockdown (first boot) never writes the sets: the lockdown table has none.
        var locked = new RulesetManager(new FakeRulesetKernel(), new LastGoodStore(Path.Combine(_stateDir, "other")), NullLogger<RulesetManager>.Instance, pinholes: new PinholeSync(pinholeKernel, NullLogger<PinholeSync>.Instance));
        locked.RestoreLastGood();
        Assert.True(locked.InLockdown);
        await locked.SyncPinholesAsync(full: true);
        Assert.Equal(2, pinholeKernel.Scripts.Count);
    }

    // ---- connection cuts ----

    [Fact]
    public void Removed_disabled_or_changed_pinholes_lose_their_connections_but_a_rename_does_not()
    {
        var before = Config(pinholes: [MacPinhole(1), MacPinhole(2), MacPinhole(3), MacPinhole(4), MacPinhole(5, enabled: false)]);
        var after = Config(pinholes: [MacPinhole(2, enabled: false), MacPinhole(3, port: 8443), MacPinhole(4) with { Name = "renamed" }, MacPinhole(5)]);

        Assert.Equal([CtMarks.Pinhole(1), CtMarks.Pinhole(2), CtMarks.Pinhole(3)], StaleConnections.Marks(before, after));
    }

    // ---- the static LAN address ----

    private RoutingReconciler NewReconciler(FakeRoutingKernel kernel) => new(kernel, new AddedAddressesFile(_stateDir), NullLogger.Instance);

    [Fact]
    public void A_static_lan_ipv6_address_is_added_moved_and_removed_only_when_the_agent_added_it()
    {
        var kernel = new FakeRoutingKernel();
        var reconciler = NewReconciler(kernel);

        reconciler.Reconcile(Config(lanIpv6: "2001:DB8:1:0::1/64"));
        Assert.Equal([new LinkAddress("br-lan", "2001:db8:1::1", 64)], kernel.Ipv6AddressList);
        Assert.Empty(reconciler.AgentAddresses); // the interfaces reply lists 1:1 addresses only
        Assert.Contains("2001:db8:1::1", File.ReadAllText(Path.Combine(_stateDir, AddedAddressesFile.FileName)), StringComparison.Ordinal);

        // Again: nothing to do.
        kernel.Calls.Clear();
        reconciler.Reconcile(Config(lanIpv6: "2001:db8:1::1/64"));
        Assert.Empty(kernel.Calls);

        // A new setting: the old address goes, the new one comes.
        reconciler.Reconcile(Config(lanIpv6: "2001:db8:2::1/64"));
        Assert.Equal(["remove address 2001:db8:1::1/64 br-lan", "add address 2001:db8:2::1/64 br-lan"], kernel.Calls);

        // "auto" wants no address of the agent's.
        kernel.Calls.Clear();
        reconciler.Reconcile(Config(lanIpv6: "auto"));
        Assert.Equal(["remove address 2001:db8:2::1/64 br-lan"], kernel.Calls);
        Assert.Empty(kernel.Ipv6AddressList);
    }

    [Fact]
    public void A_restarted_agent_removes_the_address_it_added_and_never_the_owners()
    {
        var kernel = new FakeRoutingKernel();
        kernel.Ipv6AddressList.Add(new LinkAddress("br-lan", "2001:db8:5::1", 64));
        NewReconciler(kernel).Reconcile(Config(lanIpv6: "2001:db8:1::1/64", pinholes: null) with { OneToOne = [new OneToOneNat(1, "nat", true, "203.0.113.10", "192.168.1.20")] });

        // The owner's own address as the static setting: already there, not the agent's.
        NewReconciler(kernel).Reconcile(Config(lanIpv6: "2001:db8:5::1/64") with { OneToOne = [new OneToOneNat(1, "nat", true, "203.0.113.10", "192.168.1.20")] });
        Assert.DoesNotContain(kernel.Ipv6AddressList, a => a.Address == "2001:db8:1::1");
        Assert.Contains(kernel.AddressList, a => a.Address == "203.0.113.10");

        // IPv6 off: the owner's address stays, the 1:1 record is untouched by the IPv6 pass.
        kernel.Calls.Clear();
        var restarted = NewReconciler(kernel);
        restarted.Reconcile(Config(lanIpv6: null) with { OneToOne = [new OneToOneNat(1, "nat", true, "203.0.113.10", "192.168.1.20")] });
        Assert.Empty(kernel.Calls);
        Assert.Equal([new LinkAddress("br-lan", "2001:db8:5::1", 64)], kernel.Ipv6AddressList);
        Assert.Equal(["203.0.113.10"], restarted.AgentAddresses);
    }

    [Fact]
    public void Files_written_before_ipv6_read_as_32_bit_addresses()
    {
        Directory.CreateDirectory(_stateDir);
        File.WriteAllText(Path.Combine(_stateDir, AddedAddressesFile.FileName), """{"addresses":[{"link":"wan0","address":"203.0.113.10"}]}""");

        Assert.Equal([new AddedAddress("wan0", "203.0.113.10", 32)], new AddedAddressesFile(_stateDir).Load());
    }
}

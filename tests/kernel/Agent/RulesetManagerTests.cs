using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>Validate → compile → apply → close stale connections → persist, in a throwaway namespace.</summary>
public sealed class RulesetManagerTests : IDisposable
{
    private readonly string _stateDir = Path.Combine(Path.GetTempPath(), $"gw-state-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_stateDir))
        {
            Directory.Delete(_stateDir, recursive: true);
        }
    }

    private RulesetManager NewManager() => new(new RulesetKernel(new NftApplier()), new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);

    /// <summary>The LAN link the configs name; without it every apply is refused.</summary>
    private static void AddLanLink() =>
        Assert.Equal(0, ThrowawayNamespace.Exec("ip", "link", "add", "br-lan", "type", "bridge").ExitCode);

    private static GatewayConfig Config(params PortForward[] forwards) => ConfigWithRules(forwards, []);

    private static GatewayConfig ConfigWithRules(PortForward[] forwards, TrafficRule[] rules) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        forwards,
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default)
    {
        Rules = rules,
    };

    private static PortForward Forward(int id, int port, string target = "192.168.1.20") =>
        new(id, $"fwd {id}", true, ForwardProtocol.Tcp, port, null, target, null, null);

    [Fact]
    public async Task A_successful_apply_is_persisted_and_restored_after_the_table_is_gone()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();
            var applied = NewManager().ApplyAsync(12, Config(Forward(1, 8080))).GetAwaiter().GetResult();
            Assert.True(applied.Ok, applied.Error);
            Assert.True(File.Exists(Path.Combine(_stateDir, LastGoodStore.FileName)));

            Assert.Equal(0, ThrowawayNamespace.Exec("nft", "delete", "table", "inet", "gateway").ExitCode);
            var restarted = NewManager();
            Assert.True(restarted.RestoreLastGood());

            Assert.Equal(12, restarted.AppliedRevision);
            Assert.Contains("tcp . 8080 comment \"fwd 1\" : 192.168.1.20 . 8080", ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout, StringComparison.Ordinal);
        });
        await Task.CompletedTask;
    }

    [Fact]
    public void Without_a_usable_last_good_snapshot_the_lockdown_replaces_any_table_even_a_planted_one()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();

            // No state, and a table someone planted that forwards everything: it must not survive the start.
            var planted = ThrowawayNamespace.Shell("nft add table inet gateway && nft add chain inet gateway planted '{ type filter hook forward priority 0; policy accept; }'");
            Assert.Equal(0, planted.ExitCode);
            var manager = NewManager();
            Assert.True(manager.RestoreLastGood());
            Assert.True(manager.InLockdown);
            var lockdown = ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout;
            Assert.DoesNotContain("planted", lockdown, StringComparison.Ordinal);
            Assert.Contains("hook forward priority filter; policy drop;", lockdown, StringComparison.Ordinal);
            // Input is closed too: lockdown answers only on links without the default route.
            Assert.Contains("hook input priority filter; policy drop;", lockdown, StringComparison.Ordinal);

            // A corrupt state file while our own earlier table is in the kernel: lockdown all the same.
            Assert.True(NewManager().ApplyAsync(4, Config(Forward(1, 8080))).GetAwaiter().GetResult().Ok);
            File.WriteAllText(Path.Combine(_stateDir, LastGoodStore.FileName), "{ not json");
            var restarted = NewManager();
            Assert.False(restarted.RestoreLastGood());
            Assert.True(restarted.InLockdown);
            Assert.Equal(0, restarted.AppliedRevision);
            var listed = ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout;
            Assert.DoesNotContain("tcp . 8080", listed, StringComparison.Ordinal);
            Assert.Contains("hook forward priority filter; policy drop;", listed, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_config_whose_lan_link_is_missing_is_refused_and_the_table_stays()
    {
        ThrowawayNamespace.Run(() =>
        {
            var manager = NewManager();
            var applied = manager.ApplyAsync(3, Config(Forward(1, 8080))).GetAwaiter().GetResult();

            Assert.False(applied.Ok);
            Assert.Equal("The LAN interface br-lan does not exist: applying would close the router to the LAN.", applied.Error);
            Assert.Equal(string.Empty, ThrowawayNamespace.Exec("nft", "list", "tables").Stdout.Trim());
        });
    }

    [Fact]
    public void An_apply_turns_ipv4_forwarding_on()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();
            Assert.Equal(0, ThrowawayNamespace.Exec("sysctl", "-qw", "net.ipv4.ip_forward=0").ExitCode);
            Assert.True(NewManager().ApplyAsync(1, Config()).GetAwaiter().GetResult().Ok);
            Assert.Equal("1", ThrowawayNamespace.Exec("cat", "/proc/sys/net/ipv4/ip_forward").Stdout.Trim());
        });
    }

    [Fact]
    public void A_table_deleted_or_edited_by_hand_is_noticed_and_rebuilt_but_counting_packets_is_not_drift()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();
            var manager = NewManager();
            Assert.True(manager.ApplyAsync(1, Config(Forward(1, 8080))).GetAwaiter().GetResult().Ok);

            // Loopback traffic moves the input chain's counters: not a change to the table.
            Assert.Equal(0, ThrowawayNamespace.Exec("bash", "-c", "for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/9; done; exit 0").ExitCode);
            Assert.Null(manager.CheckDriftAsync().GetAwaiter().GetResult());

            Assert.Equal(0, ThrowawayNamespace.Exec("nft", "delete", "table", "inet", "gateway").ExitCode);
            var removed = manager.CheckDriftAsync().GetAwaiter().GetResult();
            Assert.NotNull(removed);
            Assert.True(removed.Repaired);
            Assert.Contains("removed", removed.What, StringComparison.Ordinal);
            Assert.Contains("tcp . 8080", ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout, StringComparison.Ordinal);

            Assert.Equal(0, ThrowawayNamespace.Exec("nft", "add", "chain", "inet", "gateway", "planted", "{ type filter hook forward priority -5; policy accept; }").ExitCode);
            var changed = manager.CheckDriftAsync().GetAwaiter().GetResult();
            Assert.NotNull(changed);
            Assert.True(changed.Repaired);
            Assert.Contains("changed", changed.What, StringComparison.Ordinal);
            Assert.DoesNotContain("planted", ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout, StringComparison.Ordinal);
            Assert.Null(manager.CheckDriftAsync().GetAwaiter().GetResult());
        });
    }

    [Fact]
    public void Rule_counters_are_read_from_the_kernel_and_carried_over_an_unrelated_apply()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();
            var manager = NewManager();
            var rule = new TrafficRule(7, "count dns-ish", true, RuleChain.Output, RuleFamily.Any, null, "lo", RuleProtocol.Udp, null, null, 9999, null, null, RuleAction.Accept, null, null, null);
            Assert.True(manager.ApplyAsync(1, ConfigWithRules([], [rule])).GetAwaiter().GetResult().Ok);

            // Three datagrams leave through lo to port 9999: the rule's named counter sees them.
            Assert.Equal(0, ThrowawayNamespace.Exec("bash", "-c", "for i in 1 2 3; do echo x > /dev/udp/127.0.0.1/9999; done; exit 0").ExitCode);
            var before = new RulesetKernel(new NftApplier()).ReadCounters();
            Assert.True(before.ContainsKey(7), "The compiled table has no counter rule_7.");
            Assert.Equal(3, before[7].Packets);

            // An apply that keeps the rule starts the new table from those values.
            Assert.True(manager.ApplyAsync(2, ConfigWithRules([Forward(1, 8080)], [rule])).GetAwaiter().GetResult().Ok);
            var after = new RulesetKernel(new NftApplier()).ReadCounters();
            Assert.Equal(before[7], after[7]);
            Assert.Equal([before[7]], manager.SampleCountersAsync().GetAwaiter().GetResult().Rules);
        });
    }

    [Fact]
    public void An_invalid_config_is_refused_without_touching_the_kernel_or_the_state()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();
            var manager = NewManager();
            var applied = manager.ApplyAsync(3, Config(Forward(1, 80, target: "10.0.0.9"))).GetAwaiter().GetResult();

            Assert.False(applied.Ok);
            Assert.StartsWith("Invalid configuration:", applied.Error, StringComparison.Ordinal);
            Assert.Equal(0, manager.AppliedRevision);
            Assert.Equal(string.Empty, ThrowawayNamespace.Exec("nft", "list", "tables").Stdout.Trim());
            Assert.False(Directory.Exists(_stateDir));
        });
    }

    [Fact]
    public void Removing_or_changing_a_forward_deletes_its_connections_and_keeps_the_others()
    {
        ThrowawayNamespace.Run(() =>
        {
            AddLanLink();
            var manager = NewManager();
            Assert.True(manager.ApplyAsync(1, Config(Forward(5, 8080), Forward(6, 8081), Forward(7, 8082))).GetAwaiter().GetResult().Ok);
            foreach (var (mark, port) in new[] { (5, 1000), (5, 1001), (6, 1002), (7, 1003) })
            {
                var insert = ThrowawayNamespace.Exec("conntrack", "-I", "-p", "tcp", "-s", "203.0.113.9", "-d", "192.168.1.20", "--sport", $"{port}", "--dport", "80", "-t", "120", "--state", "ESTABLISHED", "-m", $"{mark}");
                Assert.True(insert.ExitCode == 0, insert.Stderr);
            }

            // 5 removed, 6 retargeted, 7 only renamed: only 5's and 6's connections must go.
            var next = Config(Forward(6, 8081, target: "192.168.1.21"), Forward(7, 8082) with { Name = "renamed" });
            Assert.True(manager.ApplyAsync(2, next).GetAwaiter().GetResult().Ok);

            using var client = new ConntrackClient();
            var tally = client.Dump();
            Assert.Equal(1, tally.Total);
            Assert.Equal(1, tally.ByMark[7]);
        });
    }
}

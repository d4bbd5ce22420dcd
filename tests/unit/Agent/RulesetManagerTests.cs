using Gateway.Agent.Conntrack;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Unit.Agent;

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

    private RulesetManager NewManager() => new(new NftApplier(), new LastGoodStore(_stateDir), NullLogger<RulesetManager>.Instance);

    private static GatewayConfig Config(params PortForward[] forwards) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        forwards,
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default);

    private static PortForward Forward(int id, int port, string target = "192.168.1.20") =>
        new(id, $"fwd {id}", true, ForwardProtocol.Tcp, port, null, target, null, null);

    [Fact]
    public async Task A_successful_apply_is_persisted_and_restored_after_the_table_is_gone()
    {
        ThrowawayNamespace.Run(() =>
        {
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
    public void Without_a_usable_last_good_snapshot_the_boot_table_forwards_nothing_but_an_existing_table_is_kept()
    {
        ThrowawayNamespace.Run(() =>
        {
            // No state, no table: lockdown.
            Assert.True(NewManager().RestoreLastGood());
            var lockdown = ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout;
            Assert.Contains("hook forward priority filter; policy drop;", lockdown, StringComparison.Ordinal);
            // Input is closed too: lockdown answers only on links without the default route.
            Assert.Contains("hook input priority filter; policy drop;", lockdown, StringComparison.Ordinal);

            // A corrupt state file while a real table is in the kernel: the real table stays.
            Assert.True(NewManager().ApplyAsync(4, Config(Forward(1, 8080))).GetAwaiter().GetResult().Ok);
            File.WriteAllText(Path.Combine(_stateDir, LastGoodStore.FileName), "{ not json");
            Assert.False(NewManager().RestoreLastGood());
            Assert.Contains("tcp . 8080", ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout, StringComparison.Ordinal);

            // Corrupt state and no table: lockdown again.
            Assert.Equal(0, ThrowawayNamespace.Exec("nft", "delete", "table", "inet", "gateway").ExitCode);
            Assert.False(NewManager().RestoreLastGood());
            Assert.Contains("lockdown", ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void An_invalid_config_is_refused_without_touching_the_kernel_or_the_state()
    {
        ThrowawayNamespace.Run(() =>
        {
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

    [Fact]
    public void Stale_forward_ids_ignore_names_and_log_levels_but_not_targets()
    {
        var before = Config(Forward(1, 80), Forward(2, 81), Forward(3, 82), Forward(4, 83));
        var after = Config(
            Forward(1, 80) with { Name = "new name", LogLevel = FirewallLogLevel.Info },
            Forward(2, 81) with { InternalPort = 8081 },
            Forward(3, 82) with { Enabled = false });

        Assert.Equal([2, 3, 4], RulesetManager.StaleForwardIds(before, after));
        Assert.Empty(RulesetManager.StaleForwardIds(null, after));
    }
}

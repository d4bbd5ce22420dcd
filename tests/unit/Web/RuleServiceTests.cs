using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Api;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Web;

/// <summary>The rule and protection services against the real database of an in-process web (fresh per test).</summary>
public sealed class RuleServiceTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    private static RuleInput Rule(string name) =>
        new(name, null, RuleChain.Forward, null, null, null, null, null, null, null, null, null, RuleAction.Drop, null, null, null);

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> use)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await use(scope.ServiceProvider);
    }

    private Task<T> RulesAsync<T>(Func<RuleService, Task<T>> use) => WithAsync(s => use(s.GetRequiredService<RuleService>()));

    private async Task<int[]> CreateAsync(params string[] names)
    {
        var ids = new List<int>();
        foreach (var name in names)
        {
            var created = await RulesAsync(r => r.CreateAsync(Rule(name)));
            Assert.Equal(OutcomeKind.Created, created.Kind);
            ids.Add(created.Value!.Id);
        }

        return [.. ids];
    }

    private async Task<string[]> NamesAsync() => [.. (await RulesAsync(r => r.ListAsync())).Select(v => v.Name)];

    [Fact]
    public async Task A_new_rule_goes_last_update_keeps_its_place_and_every_write_bumps_the_revision()
    {
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var ids = await CreateAsync("a", "b", "c");
        Assert.Equal(["a", "b", "c"], await NamesAsync());
        Assert.Equal(revision + 3, await _app.DesiredRevisionInDatabaseAsync());

        var updated = await RulesAsync(r => r.UpdateAsync(ids[0], Rule("a2") with { Action = RuleAction.Accept }));
        Assert.Equal(OutcomeKind.Ok, updated.Kind);
        Assert.Equal(["a2", "b", "c"], await NamesAsync());
        Assert.Equal(new RuleHitsView(0, 0), updated.Value!.Hits);

        Assert.Equal(OutcomeKind.Ok, (await RulesAsync(r => r.DeleteAsync(ids[2]))).Kind);
        var d = await CreateAsync("d");
        Assert.True(d[0] > ids[2], "a deleted rule's id is never reused");
        Assert.Equal(["a2", "b", "d"], await NamesAsync());
        Assert.Equal(OutcomeKind.NotFound, (await RulesAsync(r => r.DeleteAsync(ids[2]))).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await RulesAsync(r => r.UpdateAsync(ids[2], Rule("x")))).Kind);
    }

    [Fact]
    public async Task Invalid_input_reports_fields_without_prefix_and_stores_nothing()
    {
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var outcome = await RulesAsync(r => r.CreateAsync(Rule("x") with { Chain = null, RejectWith = RejectWith.TcpReset, DestinationPort = 80 }));
        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal(["chain"], outcome.Errors!.Keys);

        outcome = await RulesAsync(r => r.CreateAsync(Rule("x") with { RejectWith = RejectWith.TcpReset, DestinationPort = 80 }));
        Assert.Equal(["destinationPort", "rejectWith"], outcome.Errors!.Keys.Order());
        Assert.Empty(await NamesAsync());
        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Reorder_needs_every_id_exactly_once()
    {
        var ids = await CreateAsync("a", "b", "c");
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        foreach (var bad in new int[]?[] { null, [ids[0], ids[1]], [ids[0], ids[1], ids[2], ids[2]], [ids[0], ids[1], ids[2] + 100], [] })
        {
            var refused = await RulesAsync(r => r.ReorderAsync(bad));
            Assert.Equal(OutcomeKind.Invalid, refused.Kind);
            Assert.Equal(["ids"], refused.Errors!.Keys);
        }

        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
        var reordered = await RulesAsync(r => r.ReorderAsync([ids[2], ids[0], ids[1]]));
        Assert.Equal(OutcomeKind.Ok, reordered.Kind);
        Assert.Equal(["c", "a", "b"], reordered.Value!.Select(v => v.Name));
        Assert.Equal(["c", "a", "b"], await NamesAsync());
        Assert.Equal(revision + 1, await _app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Move_shifts_one_rule_and_clamps_at_the_ends()
    {
        var ids = await CreateAsync("a", "b", "c", "d");
        Assert.Equal(["a", "c", "b", "d"], (await RulesAsync(r => r.MoveAsync(ids[2], -1))).Value!.Select(v => v.Name));
        Assert.Equal(["c", "b", "d", "a"], (await RulesAsync(r => r.MoveAsync(ids[0], int.MaxValue))).Value!.Select(v => v.Name));
        Assert.Equal(["a", "c", "b", "d"], (await RulesAsync(r => r.MoveAsync(ids[0], int.MinValue))).Value!.Select(v => v.Name));
        Assert.Equal(["a", "c", "b", "d"], (await RulesAsync(r => r.MoveAsync(ids[0], -1))).Value!.Select(v => v.Name));
        Assert.Equal(OutcomeKind.NotFound, (await RulesAsync(r => r.MoveAsync(ids[3] + 100, 1))).Kind);

        // A rule created after moves still goes last.
        await CreateAsync("e");
        Assert.Equal(["a", "c", "b", "d", "e"], await NamesAsync());
    }

    [Fact]
    public async Task Protection_starts_closed_updates_and_logging_dos_round_trips()
    {
        var protection = await WithAsync(s => s.GetRequiredService<ProtectionService>().GetAsync());
        Assert.Equal(Protection.Default, protection);

        var bad = await WithAsync(s => s.GetRequiredService<ProtectionService>().UpdateAsync(
            new ProtectionInput(null, null, new SynFloodInput(null, 0, null, null), null, null, null)));
        Assert.Equal(["synFlood.ratePerSecond"], bad.Errors!.Keys);

        var updated = await WithAsync(s => s.GetRequiredService<ProtectionService>().UpdateAsync(
            new ProtectionInput(WanInputAction.Reject, true, null, new IcmpLimitInput(5, 6), null, false)));
        Assert.Equal(OutcomeKind.Ok, updated.Kind);
        var expected = Protection.Default with { WanInput = WanInputAction.Reject, WanPing = true, IcmpLimit = new IcmpLimit(5, 6), AntiSpoofing = false };
        Assert.Equal(expected, await WithAsync(s => s.GetRequiredService<ProtectionService>().GetAsync()));

        var logging = LoggingPolicy.Default with { Dos = FirewallLogLevel.Notice };
        Assert.Equal(OutcomeKind.Ok, (await WithAsync(s => s.GetRequiredService<LoggingService>().SetAsync(logging))).Kind);
        Assert.Equal(logging, await WithAsync(s => s.GetRequiredService<LoggingService>().GetAsync()));
    }

    [Fact]
    public async Task The_agent_snapshot_carries_rules_in_order_and_protection_and_import_replaces_them()
    {
        var ids = await CreateAsync("a", "b", "c");
        await RulesAsync(r => r.ReorderAsync([ids[1], ids[2], ids[0]]));
        var config = await WithAsync(s => s.GetRequiredService<ConfigService>().ExportAsync());
        Assert.Equal(["b", "c", "a"], config.Rules.Select(r => r.Name));
        Assert.Equal(Protection.Default, config.Protection);

        // Import: an existing id is kept, an unknown one gets a fresh id, the list order is the run order.
        var imported = config with
        {
            Protection = Protection.Default with { WanPing = true },
        };
        imported = imported with
        {
            Rules = [config.Rules[2] with { SourceMac = "AA-BB-CC-DD-EE-01" }, config.Rules[0] with { Id = 9999, Name = "new" }],
        };
        var outcome = await WithAsync(s => s.GetRequiredService<ConfigService>().ImportAsync(imported));
        Assert.Equal(OutcomeKind.Ok, outcome.Kind);
        var rules = outcome.Value!.Rules;
        Assert.Equal(["a", "new"], rules.Select(r => r.Name));
        Assert.Equal(ids[0], rules[0].Id);
        Assert.Equal("aa:bb:cc:dd:ee:01", rules[0].SourceMac);
        Assert.True(rules[1].Id > ids[2]);
        Assert.True(outcome.Value.Protection.WanPing);
    }

    [Fact]
    public async Task Hits_and_drift_come_from_the_agent()
    {
        var ids = await CreateAsync("a", "b");
        await using var agent = new FakeAgent(_app.SocketPath);
        var apply = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(["a", "b"], apply.Config.Rules.Select(r => r.Name));

        var link = _app.Services.GetRequiredService<AgentClient>();
        var counted = new TaskCompletionSource<CountersSample>(TaskCreationOptions.RunContinuationsAsynchronously);
        var drifted = new TaskCompletionSource<DriftEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        link.CountersReceived += s => counted.TrySetResult(s);
        link.DriftDetected += d => drifted.TrySetResult(d);

        await agent.PushAsync(new CountersSample([new RuleHits(ids[1], 12, 3400)], DateTimeOffset.UtcNow));
        await counted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var views = await RulesAsync(r => r.ListAsync());
        Assert.Equal(new RuleHitsView(0, 0), views[0].Hits);
        Assert.Equal(new RuleHitsView(12, 3400), views[1].Hits);
        Assert.Equal(new RuleHitsView(12, 3400), (await RulesAsync(r => r.GetAsync(ids[1])))!.Hits);

        var drift = new DriftEvent(DateTimeOffset.UtcNow, "table inet gateway was deleted", Repaired: true);
        await agent.PushAsync(drift);
        Assert.Equal(drift, await drifted.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(drift, link.LastDrift);
    }
}

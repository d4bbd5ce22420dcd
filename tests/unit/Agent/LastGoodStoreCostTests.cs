using System.Diagnostics;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Xunit.Abstractions;

using static Gateway.Tests.Unit.Agent.LastGoodJournalTests;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// What persisting one write costs at 10k forwards and 10k MACs, whole snapshot against a journal record, printed
/// (not asserted: it depends on the disk and the load) for docs/benchmarks.md; asserted is only that the journalled
/// state recovers to the last one. Run with <c>--logger "console;verbosity=detailed"</c> to see the figures.
/// </summary>
public sealed class LastGoodStoreCostTests(ITestOutputHelper output) : IDisposable
{
    private const int Items = 10_000;
    private const int Writes = 40;

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-journal-cost-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static GatewayConfig Large() => Config(Items) with
    {
        MacFilters = [.. Enumerable.Range(1, Items).Select(i => new MacFilter(i, $"02:00:00:{i >> 16:x2}:{(i >> 8) & 255:x2}:{i & 255:x2}", $"mac {i}"))],
    };

    [Fact]
    public void Journal_records_at_10k_forwards_and_10k_macs_recover_equal_and_their_cost_is_printed()
    {
        var store = new LastGoodStore(_directory);
        var state = new LastGood(1, Large());
        store.Save(state);

        // Whole snapshots, as every apply wrote before the journal (and whole applies still do).
        var whole = new List<double>();
        for (var i = 0; i < Writes / 4; i++)
        {
            var next = new LastGood(state.Revision + 1, Moved(state.Config, 1 + i, 40000 + i));
            var clock = Stopwatch.StartNew();
            store.Save(next);
            whole.Add(clock.Elapsed.TotalMilliseconds);
            state = next;
        }

        var bytes = new FileInfo(store.FilePath).Length;

        // One-item deltas over it: a record each (building the frame is the delta path's, not the store's).
        var journal = new List<double>();
        for (var i = 0; i < Writes; i++)
        {
            var (next, origin) = Delta(state, state.Revision + 1, Moved(state.Config, 100 + i, 45000 + i));
            var clock = Stopwatch.StartNew();
            store.Save(next, origin);
            journal.Add(clock.Elapsed.TotalMilliseconds);
            state = next;
        }

        var recover = Stopwatch.StartNew();
        var recovery = new LastGoodStore(_directory).Recover();
        var recoverMs = recover.Elapsed.TotalMilliseconds;

        Assert.Equal(Writes, recovery.Replayed);
        Assert.Equal(state.Revision, recovery.State!.Revision);
        Assert.Equal(Json(state.Config), Json(recovery.State.Config));
        output.WriteLine($"snapshot {bytes / 1024} KiB; whole Save: median {Median(whole):F2} ms, max {whole.Max():F2} ms ({whole.Count} writes)");
        output.WriteLine($"journal record: median {Median(journal):F2} ms, max {journal.Max():F2} ms ({journal.Count} writes, journal {new FileInfo(store.JournalPath).Length} B)");
        output.WriteLine($"recovery of snapshot + {recovery.Replayed} records: {recoverMs:F1} ms");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}

using System.Text.Json;
using Gateway.Agent.State;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The last-good journal on disk: deltas over the stored state appended and recovered, a torn or corrupt tail and a
/// record that does not chain ignored, compaction at its bounds, and a crash between a snapshot write and the
/// journal's removal. The agent's delta path is followed by hand: the frame as it would cross the socket, resolved with
/// <see cref="ConfigDelta.Apply"/> over the held config.
/// </summary>
public sealed class LastGoodJournalTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-journal-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    internal static PortForward Forward(int id, int port) =>
        new(id, $"fwd {id}", true, ForwardProtocol.Tcp, port, null, $"192.168.1.{2 + (id % 240)}", null, null);

    /// <summary>A config of <paramref name="forwards"/> forwards: big enough that many records fit under the snapshot's size.</summary>
    internal static GatewayConfig Config(int forwards) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        [.. Enumerable.Range(1, forwards).Select(i => Forward(i, 1000 + i))],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default);

    /// <summary>
    /// The agent's delta path for one edit of <paramref name="held"/>: the <c>apply-delta</c> frame of the one change,
    /// the config it resolves to, and the origin the store is given.
    /// </summary>
    internal static (LastGood Next, DeltaOrigin Origin) Delta(LastGood held, long revision, GatewayConfig edited)
    {
        var change = ConfigDelta.OneChange(held.Config, edited) ?? throw new InvalidOperationException("not one item change");
        var frame = AgentProtocol.Serialize(new ApplyDeltaRequest(revision, held.Revision, null, [change]));
        var received = (ApplyDeltaRequest)AgentProtocol.DeserializeRequest(frame);
        var config = ConfigDelta.Apply(held.Config, received.Changes, out var error) ?? throw new InvalidOperationException(error);
        return (new LastGood(revision, config), new DeltaOrigin(held.Revision, held.Config, frame));
    }

    /// <summary>The config with forward <paramref name="id"/> moved to another port.</summary>
    internal static GatewayConfig Moved(GatewayConfig config, int id, int port) =>
        config with { PortForwards = [.. config.PortForwards.Select(f => f.Id == id ? f with { ExternalPort = port } : f)] };

    internal static string Json(GatewayConfig? config) =>
        config is null ? "null" : JsonSerializer.Serialize(config, AgentJsonContext.Default.GatewayConfig);

    /// <summary>Saves a whole snapshot at revision 1, then <paramref name="deltas"/> one-item deltas; every state in order.</summary>
    private List<LastGood> Write(LastGoodStore store, int deltas, int forwards = 50)
    {
        var state = new LastGood(1, Config(forwards));
        store.Save(state);
        var states = new List<LastGood> { state };
        for (var i = 1; i <= deltas; i++)
        {
            var (next, origin) = Delta(state, state.Revision + 1, Moved(state.Config, 1 + (i % forwards), 20000 + i));
            store.Save(next, origin);
            states.Add(state = next);
        }

        return states;
    }

    private static void AssertRecovered(LastGood expected, LastGood? recovered)
    {
        Assert.NotNull(recovered);
        Assert.Equal(expected.Revision, recovered.Revision);
        Assert.Equal(Json(expected.Config), Json(recovered.Config));
    }

    [Fact]
    public void Deltas_over_the_stored_state_go_to_the_journal_and_recover_to_the_last_one()
    {
        var store = new LastGoodStore(_directory);
        store.Save(new LastGood(1, Config(50)));
        var snapshot = File.ReadAllBytes(store.FilePath);

        var states = Write(store, 10);

        // The snapshot is the first one still: every delta was a journal record.
        Assert.Equal(snapshot, File.ReadAllBytes(store.FilePath));
        Assert.True(File.Exists(store.JournalPath));
        var recovery = new LastGoodStore(_directory).Recover();
        AssertRecovered(states[^1], recovery.State);
        Assert.Equal(1, recovery.SnapshotRevision);
        Assert.Equal(10, recovery.Replayed);
        Assert.Null(recovery.Ignored);
        Assert.True(recovery.JournalFound);
    }

    [Fact]
    public void A_journal_cut_anywhere_recovers_the_last_whole_record()
    {
        var store = new LastGoodStore(_directory);
        var states = Write(store, 6);
        var journal = File.ReadAllBytes(store.JournalPath);

        // Every length a crash mid-append can leave: the state is that of the last record wholly in the file.
        var ends = RecordEnds(journal);
        for (var length = 0; length < journal.Length; length++)
        {
            File.WriteAllBytes(store.JournalPath, journal[..length]);
            var whole = ends.Count(end => end <= length);
            var recovery = new LastGoodStore(_directory).Recover();
            AssertRecovered(states[whole], recovery.State);
            if (length > LastGoodJournal.EmptySize && !ends.Contains(length))
            {
                Assert.Contains("torn", recovery.Ignored, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void A_record_failing_its_checksum_ends_the_replay_there()
    {
        var store = new LastGoodStore(_directory);
        var states = Write(store, 5);
        var journal = File.ReadAllBytes(store.JournalPath);
        var ends = RecordEnds(journal);

        // One bit flipped in the frame of record 3 (a byte just before its end).
        journal[ends[2] - 2] ^= 0x01;
        File.WriteAllBytes(store.JournalPath, journal);

        var recovery = new LastGoodStore(_directory).Recover();
        AssertRecovered(states[2], recovery.State);
        Assert.Equal(2, recovery.Replayed);
        Assert.Contains("record 3 fails its checksum", recovery.Ignored, StringComparison.Ordinal);
    }

    [Fact]
    public void A_record_not_over_the_snapshots_revision_is_ignored()
    {
        var store = new LastGoodStore(_directory);
        var first = new LastGood(1, Config(50));
        store.Save(first);
        var (next, origin) = Delta(first, 2, Moved(first.Config, 3, 30000));

        // A well-formed record for this very snapshot, but made over revision 7.
        var journal = new LastGoodJournal(store.JournalPath);
        journal.Start(System.IO.Hashing.XxHash128.HashToUInt128(File.ReadAllBytes(store.FilePath)), new JournalRecord(next.Revision, 7, origin.Frame));

        var recovery = new LastGoodStore(_directory).Recover();
        AssertRecovered(first, recovery.State);
        Assert.Equal(0, recovery.Replayed);
        Assert.Contains("over revision 7, not 1", recovery.Ignored, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delta_over_another_config_instance_or_revision_writes_the_whole_snapshot()
    {
        var store = new LastGoodStore(_directory);
        var first = new LastGood(1, Config(50));
        store.Save(first);

        // Equal in value, but not the config the store wrote (say, a revert slipped in): no record may assume it.
        var (second, origin) = Delta(new LastGood(1, Config(50)), 2, Moved(first.Config, 3, 30000));
        store.Save(second, origin);
        Assert.False(File.Exists(store.JournalPath));
        AssertRecovered(second, new LastGoodStore(_directory).Load());

        var (third, overOld) = Delta(first, 3, Moved(first.Config, 4, 30001));
        store.Save(third, overOld with { BaseConfig = second.Config });
        Assert.False(File.Exists(store.JournalPath));
        AssertRecovered(third, new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void The_journal_is_folded_into_the_snapshot_after_its_record_bound()
    {
        var store = new LastGoodStore(_directory);
        var states = Write(store, LastGoodStore.MaxJournalRecords, forwards: 200);
        var snapshot = File.ReadAllBytes(store.FilePath);
        Assert.Equal(LastGoodStore.MaxJournalRecords, LastGoodJournal.Read(File.ReadAllBytes(store.JournalPath), Hash(snapshot)).Records.Count);

        var (next, origin) = Delta(states[^1], states[^1].Revision + 1, Moved(states[^1].Config, 9, 40000));
        store.Save(next, origin);

        Assert.False(File.Exists(store.JournalPath));
        Assert.NotEqual(snapshot, File.ReadAllBytes(store.FilePath));
        AssertRecovered(next, new LastGoodStore(_directory).Load());

        // And the journal starts again over the new snapshot.
        var (after, again) = Delta(next, next.Revision + 1, Moved(next.Config, 10, 40001));
        store.Save(after, again);
        Assert.True(File.Exists(store.JournalPath));
        AssertRecovered(after, new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void The_journal_is_folded_into_the_snapshot_before_it_outgrows_it()
    {
        var store = new LastGoodStore(_directory);

        // 3 forwards: a snapshot of well under 1 KB, so only a few records fit before the size bound.
        var states = Write(store, 30, forwards: 3);

        var snapshotBytes = new FileInfo(store.FilePath).Length;
        var journalBytes = File.Exists(store.JournalPath) ? new FileInfo(store.JournalPath).Length : 0;
        Assert.True(journalBytes <= snapshotBytes, $"journal {journalBytes} B, snapshot {snapshotBytes} B");
        Assert.NotEqual(1, new LastGoodStore(_directory).Recover().SnapshotRevision);
        AssertRecovered(states[^1], new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void A_crash_between_a_snapshot_write_and_the_journals_removal_recovers_the_snapshot()
    {
        var store = new LastGoodStore(_directory);
        var states = Write(store, 3);
        var journal = File.ReadAllBytes(store.JournalPath);

        // A whole apply, then the old journal back as if its removal never reached the disk.
        var whole = new LastGood(9, Moved(Config(50), 5, 50000));
        store.Save(whole);
        Assert.False(File.Exists(store.JournalPath));
        File.WriteAllBytes(store.JournalPath, journal);

        var recovery = new LastGoodStore(_directory).Recover();
        AssertRecovered(whole, recovery.State);
        Assert.Equal(0, recovery.Replayed);
        Assert.Contains("another snapshot", recovery.Ignored, StringComparison.Ordinal);

        // The same when the new snapshot is the journal's own last state (compaction): nothing is applied twice.
        File.Delete(store.JournalPath);
        states = Write(store, 3);
        journal = File.ReadAllBytes(store.JournalPath);
        new LastGoodStore(_directory).Save(states[^1]);
        File.WriteAllBytes(store.JournalPath, journal);
        AssertRecovered(states[^1], new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void A_revert_to_the_snapshot_the_journal_continues_drops_the_journal()
    {
        var store = new LastGoodStore(_directory);
        var states = Write(store, 3);

        // The same revision and config as the snapshot, so the same bytes: the old records would chain onto them.
        store.Save(new LastGood(1, states[0].Config));

        Assert.False(File.Exists(store.JournalPath));
        AssertRecovered(states[0], new LastGoodStore(_directory).Load());
    }

    [Fact]
    public void After_a_recovery_that_found_a_journal_nothing_is_appended_until_a_whole_write()
    {
        var store = new LastGoodStore(_directory);
        var states = Write(store, 4);
        var journal = File.ReadAllBytes(store.JournalPath);
        File.WriteAllBytes(store.JournalPath, journal[..^3]);

        var restarted = new LastGoodStore(_directory);
        var recovery = restarted.Recover();
        AssertRecovered(states[3], recovery.State);
        Assert.True(recovery.JournalFound);

        // A delta over the recovered state: written whole, as the torn record must not be followed by another.
        var (next, origin) = Delta(recovery.State!, 10, Moved(recovery.State!.Config, 2, 41000));
        restarted.Save(next, origin);
        Assert.False(File.Exists(store.JournalPath));
        AssertRecovered(next, new LastGoodStore(_directory).Load());

        // Without a journal at start, the recovered state is the base of the next record.
        var clean = new LastGoodStore(_directory);
        var held = clean.Recover().State!;
        var (later, over) = Delta(held, 11, Moved(held.Config, 3, 41001));
        clean.Save(later, over);
        Assert.True(File.Exists(store.JournalPath));
        AssertRecovered(later, new LastGoodStore(_directory).Load());
    }

    /// <summary>The offset just past each record of <paramref name="journal"/>, read whole.</summary>
    private List<int> RecordEnds(byte[] journal)
    {
        var contents = LastGoodJournal.Read(journal, Hash(File.ReadAllBytes(Path.Combine(_directory, LastGoodStore.FileName))));
        Assert.Null(contents.Stopped);
        var ends = new List<int>();
        var at = LastGoodJournal.EmptySize;
        foreach (var record in contents.Records)
        {
            at += LastGoodJournal.RecordSize(record.Frame.Length);
            ends.Add((int)at);
        }

        return ends;
    }

    private static UInt128 Hash(byte[] bytes) => System.IO.Hashing.XxHash128.HashToUInt128(bytes);
}

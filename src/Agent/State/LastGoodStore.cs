using System.IO.Hashing;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.State;

/// <summary>The last snapshot the kernel accepted, with its revision.</summary>
public sealed record LastGood(long Revision, GatewayConfig Config);

/// <summary>What start-up found on disk: the state, how many journal records it took, and why the rest (if any) was ignored.</summary>
/// <param name="JournalFound">A journal file was there: the next write should be a whole snapshot (compaction).</param>
public sealed record LastGoodRecovery(LastGood? State, long SnapshotRevision, int Replayed, string? Ignored, bool JournalFound);

/// <summary>
/// Keeps the last successfully applied snapshot on disk so the agent can restore the rules at boot before anything
/// else runs: a whole snapshot (<see cref="FileName"/>, the same <c>apply</c> frame JSON the web sends, written
/// atomically by <see cref="AtomicFile"/>) plus a journal (<see cref="JournalFileName"/>, <see cref="LastGoodJournal"/>)
/// of the <c>apply-delta</c> frames applied since. A delta made over the state on disk is appended (one small fsync
/// instead of serialising and fsyncing ≈2 MB at 10k items); anything else writes the whole snapshot and drops the
/// journal. Recovery replays the chain of records with the delta path's own <see cref="ConfigDelta.Apply"/>.
/// Not thread-safe: the apply manager's gate serialises every call.
/// </summary>
public sealed class LastGoodStore(string directory)
{
    public const string FileName = "last-good.json";

    public const string JournalFileName = "last-good.journal";

    /// <summary>
    /// Records before the journal is folded into a snapshot. Recovery replays each record over whole lists (a copy of
    /// one list per change), so this bounds the start-up cost to a few ms at 10k items, while the ≈2 MB snapshot
    /// write it saves is paid once per this many one-item writes.
    /// </summary>
    public const int MaxJournalRecords = 64;

    private readonly LastGoodJournal _journal = new(Path.Combine(directory, JournalFileName));

    // What the files hold as far as this instance knows: the state they give, the snapshot's hash and size, and the
    // journal's records and size. _onDisk is null when unknown (before a recovery, after a failed write): the next
    // write is then a whole snapshot.
    private LastGood? _onDisk;
    private UInt128 _snapshotHash;
    private long _snapshotBytes;
    private int _records;
    private long _journalBytes;

    public string FilePath => Path.Combine(directory, FileName);

    public string JournalPath => _journal.FilePath;

    /// <summary>The stored state (snapshot and journal), or null when there is none. Reads only.</summary>
    /// <exception cref="InvalidDataException">The snapshot exists but is not a valid apply frame.</exception>
    public LastGood? Load() => Read(out _, out _).State;

    /// <summary>
    /// As <see cref="Load"/>, and remembers the state on disk so later deltas over it are journalled. When a journal
    /// was found the caller should <see cref="Save"/> the state whole (<see cref="LastGoodRecovery.JournalFound"/>):
    /// a torn tail must not be appended to.
    /// </summary>
    /// <exception cref="InvalidDataException">The snapshot exists but is not a valid apply frame.</exception>
    public LastGoodRecovery Recover()
    {
        var recovery = Read(out var hash, out var size);
        _onDisk = recovery.JournalFound ? null : recovery.State;
        _snapshotHash = hash;
        _snapshotBytes = size;
        _records = 0;
        _journalBytes = 0;
        return recovery;
    }

    /// <summary>
    /// Persists <paramref name="state"/>: as a journal record when it came as a delta (<paramref name="origin"/>) over
    /// the very state on disk and the journal is within its bounds, else as the whole snapshot.
    /// </summary>
    public void Save(LastGood state, DeltaOrigin? origin = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            if (origin is not null && Chains(origin))
            {
                Append(new JournalRecord(state.Revision, origin.BaseRevision, origin.Frame));
                _onDisk = state;
                return;
            }

            WriteSnapshot(state);
        }
        catch
        {
            // Whatever is on disk now (a torn record, the old snapshot) must not be appended to.
            _onDisk = null;
            throw;
        }
    }

    /// <summary>
    /// True when a record of <paramref name="origin"/> continues what is on disk and stays within the bounds: at most
    /// <see cref="MaxJournalRecords"/>, and no bigger than the snapshot (past that, replaying reads more than a fresh
    /// snapshot would, and the disk holds more than twice the state).
    /// </summary>
    private bool Chains(DeltaOrigin origin) =>
        _onDisk is { } onDisk
        && onDisk.Revision == origin.BaseRevision
        && ReferenceEquals(onDisk.Config, origin.BaseConfig)
        && _records < MaxJournalRecords
        && (_records == 0 ? LastGoodJournal.EmptySize : _journalBytes) + LastGoodJournal.RecordSize(origin.Frame.Length) <= _snapshotBytes;

    private void Append(JournalRecord record)
    {
        if (_records == 0)
        {
            _journal.Start(_snapshotHash, record);
            _journalBytes = LastGoodJournal.EmptySize;
        }
        else
        {
            _journal.Append(record);
        }

        _records++;
        _journalBytes += LastGoodJournal.RecordSize(record.Frame.Length);
    }

    /// <summary>
    /// The snapshot first, then the journal goes: a crash in between leaves a journal naming the previous snapshot's
    /// bytes, which recovery ignores. Unless the new snapshot's bytes are the old ones (a revert to the state the
    /// journal started from): then that journal would chain again, so it goes first, durably; a crash right after
    /// leaves the very snapshot being written. A journal deleted without a directory fsync is made durable by the
    /// next snapshot's (same directory), and until then names another snapshot.
    /// </summary>
    private void WriteSnapshot(LastGood state)
    {
        var bytes = AgentProtocol.Serialize(new ApplyRequest(state.Revision, state.Config));
        var hash = XxHash128.HashToUInt128(bytes);
        if (_journal.Continues() == hash)
        {
            _journal.Delete(durable: true);
        }

        AtomicFile.Write(FilePath, bytes);
        _journal.Delete(durable: false);
        _onDisk = state;
        _snapshotHash = hash;
        _snapshotBytes = bytes.Length;
        _records = 0;
        _journalBytes = 0;
    }

    private LastGoodRecovery Read(out UInt128 hash, out long size)
    {
        hash = default;
        size = 0;
        if (!File.Exists(FilePath))
        {
            // No snapshot, no state: a journal without one is never written (the snapshot always comes first).
            return new LastGoodRecovery(null, 0, 0, null, File.Exists(JournalPath));
        }

        var snapshot = File.ReadAllBytes(FilePath);
        if (AgentProtocol.DeserializeRequest(snapshot) is not ApplyRequest apply)
        {
            throw new InvalidDataException($"{FilePath} does not hold an apply frame.");
        }

        hash = XxHash128.HashToUInt128(snapshot);
        size = snapshot.Length;
        byte[] journal;
        try
        {
            journal = File.ReadAllBytes(JournalPath);
        }
        catch (FileNotFoundException)
        {
            return new LastGoodRecovery(new LastGood(apply.Revision, apply.Config), apply.Revision, 0, null, false);
        }

        var contents = LastGoodJournal.Read(journal, hash);
        var (state, replayed, stopped) = Replay(new LastGood(apply.Revision, apply.Config), contents.Records);
        return new LastGoodRecovery(state, apply.Revision, replayed, stopped ?? contents.Stopped, true);
    }

    /// <summary>
    /// <paramref name="state"/> with the chain of <paramref name="records"/> applied, the way the agent applied their
    /// frames (<see cref="ConfigDelta.Apply"/>); stops at the first record that is not over the state so far or whose
    /// frame does not apply.
    /// </summary>
    private static (LastGood State, int Replayed, string? Stopped) Replay(LastGood state, IReadOnlyList<JournalRecord> records)
    {
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var at = $"record {i + 1} (revision {record.Revision})";
            if (record.Base != state.Revision)
            {
                return (state, i, $"{at} is over revision {record.Base}, not {state.Revision}");
            }

            ApplyDeltaRequest delta;
            try
            {
                delta = AgentProtocol.DeserializeRequest(record.Frame.Span) as ApplyDeltaRequest
                    ?? throw new InvalidDataException("not an apply-delta frame");
            }
            catch (InvalidDataException ex)
            {
                return (state, i, $"{at}: {ex.Message}");
            }

            if (ConfigDelta.Apply(state.Config, delta.Changes, out var error) is not { } config)
            {
                return (state, i, $"{at}: {error}");
            }

            state = new LastGood(record.Revision, config);
        }

        return (state, records.Count, null);
    }
}

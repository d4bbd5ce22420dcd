using System.Buffers.Binary;
using System.IO.Hashing;

namespace Gateway.Agent.State;

/// <summary>One journal record: the revision a delta made, the revision it was made over, and its frame.</summary>
public readonly record struct JournalRecord(long Revision, long Base, ReadOnlyMemory<byte> Frame);

/// <summary>What a journal file holds: its records up to the first bad one, and why reading stopped early (or null).</summary>
public sealed record JournalContents(IReadOnlyList<JournalRecord> Records, string? Stopped);

/// <summary>
/// The append-only file beside the last-good snapshot: a header naming the snapshot it continues (the XxHash128 of the
/// snapshot file's bytes), then one record per delta-applied revision. A record is
/// <c>length (u32) · checksum (u64, XxHash3 of what follows it) · revision (i64) · base (i64) · frame</c>, little-endian.
/// The checksum catches a torn or corrupt record, the header a journal left over from another snapshot (a crash between
/// writing a new snapshot and deleting the old journal).
/// </summary>
public sealed class LastGoodJournal(string path)
{
    private const int HeaderBytes = 4 + 16;
    private const int RecordHeaderBytes = 4 + 8 + 8 + 8;
    private static ReadOnlySpan<byte> Magic => "GWJ1"u8;

    public string FilePath => path;

    /// <summary>The bytes a record of <paramref name="frameBytes"/> takes in the file.</summary>
    public static long RecordSize(int frameBytes) => RecordHeaderBytes + (long)frameBytes;

    /// <summary>The bytes of a journal with no record yet.</summary>
    public static long EmptySize => HeaderBytes;

    /// <summary>
    /// Starts a new journal (replacing any) continuing the snapshot whose bytes hash to <paramref name="snapshot"/>,
    /// with its first record; fsyncs the file and the directory (the name must survive a crash as well as the bytes).
    /// </summary>
    public void Start(UInt128 snapshot, JournalRecord first)
    {
        var header = new byte[HeaderBytes];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt128LittleEndian(header.AsSpan(4), snapshot);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(header);
            stream.Write(Encode(first));
            stream.Flush(flushToDisk: true);
        }

        AtomicFile.SyncDirectory(Path.GetDirectoryName(path)!);
    }

    /// <summary>Appends one record and fsyncs the file (its name is already durable from <see cref="Start"/>).</summary>
    public void Append(JournalRecord record)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.None);
        stream.Write(Encode(record));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The snapshot hash the journal on disk names, or null when there is none (or no readable header).</summary>
    public UInt128? Continues()
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            Span<byte> header = stackalloc byte[HeaderBytes];
            return stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) == HeaderBytes && header[..4].SequenceEqual(Magic)
                ? BinaryPrimitives.ReadUInt128LittleEndian(header[4..])
                : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the journal. <paramref name="durable"/> also fsyncs the directory, for when a journal brought back by a
    /// crash would chain onto the snapshot on disk.
    /// </summary>
    public void Delete(bool durable)
    {
        if (!File.Exists(path))
        {
            return;
        }

        File.Delete(path);
        if (durable)
        {
            AtomicFile.SyncDirectory(Path.GetDirectoryName(path)!);
        }
    }

    /// <summary>The records of <paramref name="file"/> (a journal's bytes) if it continues <paramref name="snapshot"/>.</summary>
    public static JournalContents Read(ReadOnlyMemory<byte> file, UInt128 snapshot)
    {
        var bytes = file.Span;
        if (bytes.Length < HeaderBytes || !bytes[..4].SequenceEqual(Magic))
        {
            return new JournalContents([], "the journal has no valid header");
        }

        if (BinaryPrimitives.ReadUInt128LittleEndian(bytes[4..]) != snapshot)
        {
            return new JournalContents([], "the journal continues another snapshot");
        }

        var records = new List<JournalRecord>();
        var at = HeaderBytes;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < RecordHeaderBytes)
            {
                return new JournalContents(records, $"record {records.Count + 1} is torn");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[at..]);
            if (length > bytes.Length - at - RecordHeaderBytes)
            {
                return new JournalContents(records, $"record {records.Count + 1} is torn");
            }

            var body = bytes.Slice(at + 12, 16 + (int)length);
            if (XxHash3.HashToUInt64(body) != BinaryPrimitives.ReadUInt64LittleEndian(bytes[(at + 4)..]))
            {
                return new JournalContents(records, $"record {records.Count + 1} fails its checksum");
            }

            records.Add(new JournalRecord(
                BinaryPrimitives.ReadInt64LittleEndian(body),
                BinaryPrimitives.ReadInt64LittleEndian(body[8..]),
                file.Slice(at + RecordHeaderBytes, (int)length)));
            at += RecordHeaderBytes + (int)length;
        }

        return new JournalContents(records, null);
    }

    private static byte[] Encode(JournalRecord record)
    {
        var bytes = new byte[RecordSize(record.Frame.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)record.Frame.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), record.Revision);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(20), record.Base);
        record.Frame.Span.CopyTo(bytes.AsSpan(RecordHeaderBytes));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(4), XxHash3.HashToUInt64(bytes.AsSpan(12)));
        return bytes;
    }
}

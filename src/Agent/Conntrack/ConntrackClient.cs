using System.Globalization;
using Gateway.Agent.Netlink;

namespace Gateway.Agent.Conntrack;

/// <summary>ctnetlink requests the agent needs: a full dump tally, the cheap global count, delete by mark.</summary>
public sealed class ConntrackClient : IDisposable
{
    private readonly NetlinkSocket _socket = new();
    private readonly Lock _lock = new();

    /// <summary>Dumps every conntrack entry of this namespace and tallies it.</summary>
    public ConntrackTally Dump() => Dump(new ConntrackTally());

    /// <summary>Dumps every conntrack entry into <paramref name="tally"/> after clearing it (reused between samples).</summary>
    public ConntrackTally Dump(ConntrackTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        tally.Clear();
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGet, Nl.FlagRequest | Nl.FlagDump, [], (batch, seq) => NetlinkMessages.ParseDump(batch, seq, tally));
        }

        return tally;
    }

    /// <summary>The number of entries, without a dump (IPCTNL_MSG_CT_GET_STATS, what <c>conntrack -C</c> does).</summary>
    public long Count() => Totals().Entries;

    /// <summary>The number of entries and nf_conntrack_max from one IPCTNL_MSG_CT_GET_STATS (-1 for what the reply lacks).</summary>
    public (long Entries, long Max) Totals()
    {
        long entries = -1, max = -1;
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGetStats, Nl.FlagRequest, [], (batch, seq) =>
            {
                var end = NetlinkMessages.ParseStats(batch, seq, out var e, out var m);
                entries = e >= 0 ? e : entries;
                max = m >= 0 ? m : max;
                return end;
            });
        }

        return (entries, max);
    }

    /// <summary>The kernel's conntrack counters (found, invalid, insert_failed, drop, early_drop, …) summed over CPUs.</summary>
    public Dictionary<string, long> CpuStats()
    {
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGetStatsCpu, Nl.FlagRequest | Nl.FlagDump, [], (batch, seq) => NetlinkMessages.ParseCpuStats(batch, seq, sums));
        }

        return sums;
    }

    /// <summary>Deletes every entry whose ct mark is exactly <paramref name="mark"/> (a kernel-side filtered flush).</summary>
    public void DeleteByMark(uint mark)
    {
        var attributes = new NetlinkAttributeWriter(16).U32BigEndian(Nl.CtaMark, mark).U32BigEndian(Nl.CtaMarkMask, uint.MaxValue);
        lock (_lock)
        {
            try
            {
                _socket.Request(Nl.CtMsgDelete, Nl.FlagRequest | Nl.FlagAck, attributes.Written, (batch, seq) => NetlinkMessages.ParseDump(batch, seq, new ConntrackTally()));
            }
            catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
            {
                // ENOENT: nothing carried that mark.
            }
        }
    }

    /// <summary>
    /// Deletes every entry whose ct mark is one of <paramref name="marks"/>. A few marks: one kernel-side filtered
    /// flush each (<see cref="DeleteByMark"/>). Many (a restore gives every forward a new id, so all 10,000 old
    /// marks go at once): each filtered flush walks the whole table and costs a round trip, 10,000 of them about a
    /// second even on an empty table, so the table is dumped once and only the matching entries are deleted, each
    /// by its original tuple. An entry that went away in between is not an error.
    /// </summary>
    public void DeleteByMarks(IReadOnlyCollection<uint> marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (marks.Count <= FilteredFlushLimit)
        {
            foreach (var mark in marks)
            {
                DeleteByMark(mark);
            }

            return;
        }

        var wanted = marks.ToHashSet();
        var found = new List<byte[]>();
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGet, Nl.FlagRequest | Nl.FlagDump, [], (batch, seq) => NetlinkMessages.CollectByMark(batch, seq, wanted, found));
            DeleteEach(found);
        }
    }

    /// <summary>
    /// Deletes the entries carrying <paramref name="mark"/> whose original destination is <paramref name="destination"/>
    /// (a pinhole's connections to one address): one dump, then each match by its original tuple.
    /// </summary>
    public void DeleteByMarkAndDestination(uint mark, System.Net.IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var address = destination.GetAddressBytes();
        var found = new List<byte[]>();
        var marks = new HashSet<uint> { mark };
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGet, Nl.FlagRequest | Nl.FlagDump, [], (batch, seq) => NetlinkMessages.CollectByMark(batch, seq, marks, found, address));
            DeleteEach(found);
        }
    }

    private void DeleteEach(List<byte[]> found)
    {
        foreach (var entry in found)
        {
            try
            {
                _socket.RequestRaw(Nl.CtType(Nl.CtMsgDelete), Nl.FlagRequest | Nl.FlagAck, entry, (batch, seq) => NetlinkMessages.ParseDump(batch, seq, new ConntrackTally()));
            }
            catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
            {
                // ENOENT: it timed out or closed since the dump.
            }
        }
    }

    /// <summary>Up to this many marks, <see cref="DeleteByMarks"/> sends one filtered flush per mark.</summary>
    public const int FilteredFlushLimit = 16;

    /// <summary>nf_conntrack_max of this namespace, or -1 when the module is not loaded yet.</summary>
    public static long ReadMax()
    {
        try
        {
            return long.Parse(File.ReadAllText("/proc/sys/net/netfilter/nf_conntrack_max").Trim(), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    public void Dispose() => _socket.Dispose();
}

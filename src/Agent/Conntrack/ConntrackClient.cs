using System.Buffers.Binary;
using System.Globalization;

namespace Gateway.Agent.Conntrack;

/// <summary>ctnetlink requests the agent needs: a full dump tally, the cheap global count, delete by mark.</summary>
public sealed class ConntrackClient : IDisposable
{
    private readonly NetlinkSocket _socket = new();
    private readonly Lock _lock = new();

    /// <summary>Dumps every conntrack entry of this namespace and tallies it.</summary>
    public ConntrackTally Dump()
    {
        var tally = new ConntrackTally();
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGet, Nl.FlagRequest | Nl.FlagDump, [], (batch, seq) => NetlinkMessages.ParseDump(batch, seq, tally));
        }

        return tally;
    }

    /// <summary>The number of entries, without a dump (IPCTNL_MSG_CT_GET_STATS, what <c>conntrack -C</c> does).</summary>
    public long Count()
    {
        long entries = -1;
        lock (_lock)
        {
            _socket.Request(Nl.CtMsgGetStats, Nl.FlagRequest, [], (batch, seq) =>
            {
                var end = NetlinkMessages.ParseStats(batch, seq, out var e, out _);
                entries = e >= 0 ? e : entries;
                return end;
            });
        }

        return entries;
    }

    /// <summary>Deletes every entry whose ct mark is exactly <paramref name="mark"/> (a kernel-side filtered flush).</summary>
    public void DeleteByMark(uint mark)
    {
        // CTA_MARK and CTA_MARK_MASK, each: u16 len=8, u16 type, be32 value.
        Span<byte> attributes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(attributes, 8);
        BinaryPrimitives.WriteUInt16LittleEndian(attributes[2..], Nl.CtaMark);
        BinaryPrimitives.WriteUInt32BigEndian(attributes[4..], mark);
        BinaryPrimitives.WriteUInt16LittleEndian(attributes[8..], 8);
        BinaryPrimitives.WriteUInt16LittleEndian(attributes[10..], Nl.CtaMarkMask);
        BinaryPrimitives.WriteUInt32BigEndian(attributes[12..], uint.MaxValue);
        lock (_lock)
        {
            try
            {
                _socket.Request(Nl.CtMsgDelete, Nl.FlagRequest | Nl.FlagAck, attributes, (batch, seq) => NetlinkMessages.ParseDump(batch, seq, new ConntrackTally()));
            }
            catch (ConntrackException ex) when (ex.Errno == 2)
            {
                // ENOENT: nothing carried that mark.
            }
        }
    }

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

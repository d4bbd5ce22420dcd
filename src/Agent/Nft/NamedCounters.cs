using System.Buffers.Binary;
using System.Text;
using Gateway.Agent.Netlink;

namespace Gateway.Agent.Nft;

/// <summary>One named counter object of a table, as the kernel holds it now.</summary>
public readonly record struct NamedCounter(string Name, long Packets, long Bytes);

/// <summary>
/// Reads a table's named counters straight from the kernel (an NFT_MSG_GETOBJ dump over NETLINK_NETFILTER, filtered
/// to the table and to counters). <c>nft list counters</c> fills libnftables' whole cache first, every set element
/// included: with 20,000 elements that listing cost as much as a whole-table replace, on every replace (counter
/// carry-over) and every sample. The dump carries the counters alone.
/// </summary>
public static class NamedCounters
{
    private const int SubsysNftables = 10;
    private const int MsgNewObj = 18;
    private const int MsgGetObj = 19;
    private const byte FamilyInet = 1; // NFPROTO_INET
    private const ushort AttributeTable = 1; // NFTA_OBJ_TABLE
    private const ushort AttributeName = 2; // NFTA_OBJ_NAME
    private const ushort AttributeType = 3; // NFTA_OBJ_TYPE
    private const ushort AttributeData = 4; // NFTA_OBJ_DATA
    private const uint ObjectCounter = 1; // NFT_OBJECT_COUNTER
    private const ushort CounterBytes = 1; // NFTA_COUNTER_BYTES
    private const ushort CounterPackets = 2; // NFTA_COUNTER_PACKETS

    /// <summary>The counters of <c>table inet <paramref name="table"/></c>; empty when the table does not exist.</summary>
    /// <exception cref="NetlinkException">The netlink request failed.</exception>
    /// <exception cref="InvalidDataException">A reply was malformed.</exception>
    public static IReadOnlyList<NamedCounter> Read(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var counters = new List<NamedCounter>();
        using var socket = new NetlinkSocket(Nl.NetlinkNetfilter);
        try
        {
            socket.RequestRaw((ushort)((SubsysNftables << 8) | MsgGetObj), Nl.FlagRequest | Nl.FlagDump, Request(table), (batch, sequence) =>
                Parse(batch, sequence, table, counters));
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
        {
            return [];
        }

        return counters;
    }

    /// <summary>The request body: nfgenmsg for the inet family, then the table and object-type filters.</summary>
    internal static byte[] Request(string table)
    {
        return new NetlinkAttributeWriter(32).NfgenHeader(FamilyInet).String(AttributeTable, table).U32BigEndian(AttributeType, ObjectCounter).ToArray();
    }

    /// <summary>
    /// Adds the counters of one reply batch to <paramref name="counters"/>. Objects of another table or type are
    /// skipped: the filter attributes are a request, and a kernel that ignores them answers with every object.
    /// </summary>
    internal static BatchEnd Parse(ReadOnlySpan<byte> batch, uint sequence, string table, List<NamedCounter> counters) =>
        NetlinkWalk.WalkNfnetlink(batch, sequence, (type, _, attributes) =>
        {
            if (type != ((SubsysNftables << 8) | MsgNewObj))
            {
                return;
            }

            string? name = null, owner = null;
            uint? kind = null;
            long packets = -1, bytes = -1;
            var reader = new NetlinkAttributeReader(attributes);
            while (reader.Next())
            {
                switch (reader.Type)
                {
                    case AttributeTable:
                        owner = ReadString(reader.Payload);
                        break;
                    case AttributeName:
                        name = ReadString(reader.Payload);
                        break;
                    case AttributeType:
                        kind = reader.ReadU32BigEndian();
                        break;
                    case AttributeData:
                        var data = reader.Nested();
                        while (data.Next())
                        {
                            if (data.Type == CounterPackets)
                            {
                                packets = ReadU64(data.Payload);
                            }
                            else if (data.Type == CounterBytes)
                            {
                                bytes = ReadU64(data.Payload);
                            }
                        }

                        break;
                }
            }

            if (kind == ObjectCounter && owner == table && name is not null && packets >= 0 && bytes >= 0)
            {
                counters.Add(new NamedCounter(name, packets, bytes));
            }
        });

    private static string ReadString(ReadOnlySpan<byte> payload)
    {
        var end = payload.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? payload : payload[..end]);
    }

    // Counter values are be64; one past long.MaxValue can only come from a table we did not write: read it as absent.
    private static long ReadU64(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 8)
        {
            NetlinkAttributeReader.ThrowMalformed("u64 attribute too short");
        }

        var value = BinaryPrimitives.ReadUInt64BigEndian(payload);
        return value > long.MaxValue ? -1 : (long)value;
    }
}

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

    private const uint ObjectQuota = 2; // NFT_OBJECT_QUOTA
    private const ushort QuotaBytes = 1; // NFTA_QUOTA_BYTES
    private const ushort QuotaConsumed = 4; // NFTA_QUOTA_CONSUMED

    /// <summary>The counters of <c>table inet <paramref name="table"/></c>; empty when the table does not exist.</summary>
    /// <exception cref="NetlinkException">The netlink request failed.</exception>
    /// <exception cref="InvalidDataException">A reply was malformed.</exception>
    public static IReadOnlyList<NamedCounter> Read(string table) => ReadObjects(table, ObjectCounter, CounterPackets, CounterBytes);

    /// <summary>
    /// The quota objects of <c>table inet <paramref name="table"/></c>, each as a <see cref="NamedCounter"/> whose
    /// <see cref="NamedCounter.Packets"/> holds the bytes used and <see cref="NamedCounter.Bytes"/> the limit.
    /// </summary>
    /// <inheritdoc cref="Read" path="/exception"/>
    public static IReadOnlyList<NamedCounter> ReadQuotas(string table) => ReadObjects(table, ObjectQuota, QuotaConsumed, QuotaBytes);

    private static List<NamedCounter> ReadObjects(string table, uint kind, ushort first, ushort second)
    {
        ArgumentNullException.ThrowIfNull(table);
        var objects = new List<NamedCounter>();
        using var socket = new NetlinkSocket(Nl.NetlinkNetfilter);
        try
        {
            socket.RequestRaw((ushort)((SubsysNftables << 8) | MsgGetObj), Nl.FlagRequest | Nl.FlagDump, Request(table, kind), (batch, sequence) =>
                Parse(batch, sequence, table, objects, kind, first, second));
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
        {
            return [];
        }

        return objects;
    }

    /// <summary>The request body: nfgenmsg for the inet family, then the table and object-type filters.</summary>
    internal static byte[] Request(string table, uint kind = ObjectCounter)
    {
        return new NetlinkAttributeWriter(32).NfgenHeader(FamilyInet).String(AttributeTable, table).U32BigEndian(AttributeType, kind).ToArray();
    }

    /// <summary>
    /// Adds the counters of one reply batch to <paramref name="counters"/>. Objects of another table or type are
    /// skipped: the filter attributes are a request, and a kernel that ignores them answers with every object.
    /// </summary>
    internal static BatchEnd Parse(ReadOnlySpan<byte> batch, uint sequence, string table, List<NamedCounter> counters) =>
        Parse(batch, sequence, table, counters, ObjectCounter, CounterPackets, CounterBytes);

    /// <summary>
    /// Adds the objects of type <paramref name="wanted"/> in one reply batch to <paramref name="objects"/>, with the
    /// u64 data attributes <paramref name="first"/> and <paramref name="second"/> as their two values.
    /// </summary>
    private static BatchEnd Parse(ReadOnlySpan<byte> batch, uint sequence, string table, List<NamedCounter> objects, uint wanted, ushort first, ushort second) =>
        NetlinkWalk.WalkNfnetlink(batch, sequence, (type, _, attributes) =>
        {
            if (type != ((SubsysNftables << 8) | MsgNewObj))
            {
                return;
            }

            string? name = null, owner = null;
            uint? kind = null;
            long one = -1, two = -1;
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
                            if (data.Type == first)
                            {
                                one = ReadU64(data.Payload);
                            }
                            else if (data.Type == second)
                            {
                                two = ReadU64(data.Payload);
                            }
                        }

                        break;
                }
            }

            if (kind == wanted && owner == table && name is not null && one >= 0 && two >= 0)
            {
                objects.Add(new NamedCounter(name, one, two));
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

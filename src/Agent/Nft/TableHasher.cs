using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Gateway.Agent.Netlink;

namespace Gateway.Agent.Nft;

/// <summary>
/// Hashes one table as it arrives in netlink dump messages (<see cref="TableFingerprint"/> feeds it), streaming: no
/// message is kept. Every attribute the kernel sends goes in (type, length, bytes; nested ones opened and closed),
/// handles included, except what changes without anyone committing or what only counts references:
/// <list type="bullet">
/// <item>counter values and the "last used" stamp (the data of <c>counter</c> and <c>last</c> expressions and of
/// counter objects, wherever they sit: in rules, in dynset templates, on sets and elements);</item>
/// <item>a quota's bytes used and its "depleted" flag (the limit and "over" stay);</item>
/// <item>use counts of the table, chains, objects and flowtables (a verdict-map element jumping to a chain moves
/// its count, and the structure must not move with elements), chain byte counters, an element's expiration, and
/// attributes the kernel echoes back from the request (ids) or counts (a set's element count);</item>
/// <item>the rules of miniupnpd's chains <c>upnp_*</c> (the chains themselves stay).</item>
/// </list>
/// Set elements go to the contents only, each hashed alone and summed, so the dump order of a hash set (which the
/// kernel may reshuffle when it resizes the set) does not matter.
/// </summary>
public sealed class TableHasher
{
    private const ushort ListElem = 1; // NFTA_LIST_ELEM
    private const ushort ExprName = 1; // NFTA_EXPR_NAME
    private const ushort ExprData = 2; // NFTA_EXPR_DATA
    private const ushort QuotaFlags = 2; // NFTA_QUOTA_FLAGS
    private const ushort QuotaConsumed = 4; // NFTA_QUOTA_CONSUMED
    private const uint QuotaDepleted = 1u << 1; // NFT_QUOTA_F_DEPLETED
    private const ushort DynsetExpr = 7; // NFTA_DYNSET_EXPR
    private const ushort DynsetExpressions = 10; // NFTA_DYNSET_EXPRESSIONS
    private const uint ObjectCounter = 1; // NFT_OBJECT_COUNTER
    private const uint ObjectQuota = 2; // NFT_OBJECT_QUOTA

    /// <summary>NFT_SET_ANONYMOUS: a rule's inline set, bound to it and constant.</summary>
    public const uint SetAnonymous = 0x1;

    /// <summary>NFT_SET_EVAL (<c>flags dynamic</c>): a set the packet path fills, such as a meter.</summary>
    public const uint SetDynamic = 0x20;

    private readonly XxHash128 _structure = new();
    private readonly XxHash128 _content = new();
    private readonly XxHash128 _element = new();
    private readonly byte[] _table;
    private UInt128 _elementSum;
    private long _elementCount;

    /// <param name="table">The table's name: messages of any other table are left out.</param>
    public TableHasher(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = Encoding.UTF8.GetBytes(table);
    }

    /// <summary>What a message holds, for the attributes each leaves out.</summary>
    private enum Scope
    {
        Table,
        Chain,
        Rule,
        Set,
        Element,
        Object,
        Flowtable,
        Expressions,
        Expression,
        Quota,
        Dynset,
        Raw,
    }

    /// <summary>A set's name and flags, from its NFT_MSG_NEWSET message.</summary>
    public readonly record struct SetInfo(string Name, uint Flags)
    {
        /// <summary>
        /// Whether its elements belong in the contents: not a rule's inline set (constant and bound: the kernel
        /// refuses element changes, and a new rule brings a new set with a new handle), not a dynamic set (packets
        /// fill it), not a MAC pinhole set <c>ph_mac_*</c> (the agent fills it between applies).
        /// </summary>
        public bool ElementsCount =>
            (Flags & (SetAnonymous | SetDynamic)) == 0 && !Name.StartsWith("ph_mac_", StringComparison.Ordinal);
    }

    /// <summary>NFT_MSG_NEWTABLE.</summary>
    public void Table(ReadOnlySpan<byte> attributes) => Message(1, Scope.Table, attributes, 0);

    /// <summary>NFT_MSG_NEWCHAIN.</summary>
    public void Chain(ReadOnlySpan<byte> attributes) => Message(1, Scope.Chain, attributes, 3);

    /// <summary>NFT_MSG_NEWRULE; the rules of <c>upnp_*</c> chains are left out.</summary>
    public void Rule(ReadOnlySpan<byte> attributes)
    {
        if (!StartsWith(Find(attributes, 2), "upnp_"u8))
        {
            Message(1, Scope.Rule, attributes, 6);
        }
    }

    /// <summary>NFT_MSG_NEWSET: hashes the declaration and says which set it is (null for another table's).</summary>
    public SetInfo? Set(ReadOnlySpan<byte> attributes)
    {
        if (!Message(1, Scope.Set, attributes, 9))
        {
            return null;
        }

        var flags = Find(attributes, 3);
        return new SetInfo(Text(Find(attributes, 2)), flags.Length >= 4 ? BinaryPrimitives.ReadUInt32BigEndian(flags) : 0);
    }

    /// <summary>NFT_MSG_NEWOBJ.</summary>
    public void Object(ReadOnlySpan<byte> attributes) => Message(1, Scope.Object, attributes, 18);

    /// <summary>NFT_MSG_NEWFLOWTABLE.</summary>
    public void Flowtable(ReadOnlySpan<byte> attributes) => Message(1, Scope.Flowtable, attributes, 22);

    /// <summary>One NFT_MSG_NEWSETELEM message of the set being read (<see cref="EndSet"/> closes it).</summary>
    public void Elements(ReadOnlySpan<byte> attributes)
    {
        if (!IsOurs(Find(attributes, 1)))
        {
            return;
        }

        var list = new NetlinkAttributeReader(attributes);
        while (list.Next())
        {
            if (list.Type != 3)
            {
                continue; // NFTA_SET_ELEM_LIST_ELEMENTS only: table and set name are the set's, hashed with it
            }

            var elements = list.Nested();
            while (elements.Next())
            {
                _element.Reset();
                Attributes(_element, elements.Payload, Scope.Element);
                _elementSum += _element.GetCurrentHashAsUInt128();
                _elementCount++;
            }
        }
    }

    /// <summary>Closes the elements of <paramref name="set"/>: their count and sum go into the contents.</summary>
    public void EndSet(SetInfo set)
    {
        Span<byte> summary = stackalloc byte[24];
        BinaryPrimitives.WriteUInt128LittleEndian(summary, _elementSum);
        BinaryPrimitives.WriteInt64LittleEndian(summary[16..], _elementCount);
        Leaf(_content, 2, Encoding.UTF8.GetBytes(set.Name));
        _content.Append(summary);
        _elementSum = 0;
        _elementCount = 0;
    }

    /// <summary>The two fingerprints of what was fed in.</summary>
    public TableFingerprints Result()
    {
        Span<byte> both = stackalloc byte[32];
        _structure.GetCurrentHash(both[..16]);
        _content.GetCurrentHash(both[16..]);
        return new TableFingerprints(Convert.ToHexString(both[..16]), Convert.ToHexString(XxHash128.Hash(both)));
    }

    // A message of another table (the kernel filters dumps by table for most kinds, not for chains) is left out.
    private bool Message(ushort tableAttribute, Scope scope, ReadOnlySpan<byte> attributes, byte kind)
    {
        if (!IsOurs(Find(attributes, tableAttribute)))
        {
            return false;
        }

        _structure.Append([0xff, kind]);
        Attributes(_structure, attributes, scope);
        return true;
    }

    private void Attributes(XxHash128 hash, ReadOnlySpan<byte> attributes, Scope scope, ReadOnlySpan<byte> expression = default, uint objectType = 0)
    {
        Span<byte> flags = stackalloc byte[4];
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            var type = reader.Type;
            var payload = reader.Payload;
            switch (scope, type)
            {
                case (Scope.Table, 3): // NFTA_TABLE_USE
                case (Scope.Chain, 6 or 8 or 11): // NFTA_CHAIN_USE, NFTA_CHAIN_COUNTERS, NFTA_CHAIN_ID
                case (Scope.Rule, 9 or 10 or 11): // NFTA_RULE_ID, NFTA_RULE_POSITION_ID, NFTA_RULE_CHAIN_ID
                case (Scope.Set, 10 or 20): // NFTA_SET_ID, NFTA_SET_COUNT (newer kernels: the element count)
                case (Scope.Element, 5): // NFTA_SET_ELEM_EXPIRATION
                case (Scope.Object, 5): // NFTA_OBJ_USE
                case (Scope.Flowtable, 4): // NFTA_FLOWTABLE_USE
                case (Scope.Quota, QuotaConsumed):
                    break;
                case (Scope.Object, 3): // NFTA_OBJ_TYPE: the data that follows is read by it
                    objectType = reader.ReadU32BigEndian();
                    Leaf(hash, type, payload);
                    break;
                case (Scope.Object, 4): // NFTA_OBJ_DATA
                    if (objectType != ObjectCounter)
                    {
                        Nested(hash, type, payload, objectType == ObjectQuota ? Scope.Quota : Scope.Raw);
                    }

                    break;
                case (Scope.Rule, 4): // NFTA_RULE_EXPRESSIONS
                case (Scope.Set, 18): // NFTA_SET_EXPRESSIONS
                case (Scope.Element, 11): // NFTA_SET_ELEM_EXPRESSIONS
                case (Scope.Dynset, DynsetExpressions):
                    Nested(hash, type, payload, Scope.Expressions);
                    break;
                case (Scope.Set, 17): // NFTA_SET_EXPR
                case (Scope.Element, 7): // NFTA_SET_ELEM_EXPR
                case (Scope.Dynset, DynsetExpr):
                case (Scope.Expressions, ListElem):
                    Nested(hash, type, payload, Scope.Expression);
                    break;
                case (Scope.Expression, ExprName):
                    expression = payload;
                    Leaf(hash, type, payload);
                    break;
                case (Scope.Expression, ExprData):
                    if (StartsWith(expression, "quota\0"u8))
                    {
                        Nested(hash, type, payload, Scope.Quota);
                    }
                    else if (StartsWith(expression, "dynset\0"u8))
                    {
                        Nested(hash, type, payload, Scope.Dynset);
                    }
                    else if (!StartsWith(expression, "counter\0"u8) && !StartsWith(expression, "last\0"u8))
                    {
                        Leaf(hash, type, payload);
                    }

                    break;
                case (Scope.Quota, QuotaFlags):
                    BinaryPrimitives.WriteUInt32BigEndian(flags, reader.ReadU32BigEndian() & ~QuotaDepleted);
                    Leaf(hash, type, flags);
                    break;
                default:
                    Leaf(hash, type, payload);
                    break;
            }
        }
    }

    private void Nested(XxHash128 hash, ushort type, ReadOnlySpan<byte> payload, Scope scope)
    {
        Span<byte> open = [1, (byte)type, (byte)(type >> 8)];
        hash.Append(open);
        Attributes(hash, payload, scope);
        hash.Append([2]);
    }

    private static void Leaf(XxHash128 hash, ushort type, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[7];
        header[0] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header[1..], type);
        BinaryPrimitives.WriteInt32LittleEndian(header[3..], payload.Length);
        hash.Append(header);
        hash.Append(payload);
    }

    private bool IsOurs(ReadOnlySpan<byte> name) => WithoutNul(name).SequenceEqual(_table);

    /// <summary>The payload of the first attribute of <paramref name="type"/>, or empty.</summary>
    private static ReadOnlySpan<byte> Find(ReadOnlySpan<byte> attributes, ushort type)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (reader.Next())
        {
            if (reader.Type == type)
            {
                return reader.Payload;
            }
        }

        return [];
    }

    private static bool StartsWith(ReadOnlySpan<byte> value, ReadOnlySpan<byte> prefix) => value.StartsWith(prefix);

    private static ReadOnlySpan<byte> WithoutNul(ReadOnlySpan<byte> value)
    {
        var end = value.IndexOf((byte)0);
        return end < 0 ? value : value[..end];
    }

    private static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(WithoutNul(value));
}

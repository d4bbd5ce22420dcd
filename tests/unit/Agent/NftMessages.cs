using Gateway.Agent.Netlink;
using Gateway.Agent.Nft;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The attributes of nf_tables dump messages as the kernel sends them (linux/netfilter/nf_tables.h), for feeding a
/// <see cref="TableHasher"/> without a kernel. Only what the tests vary is built; the rest is left out.
/// </summary>
internal static class NftMessages
{
    public const string Table = "gateway";

    /// <summary>NFT_MSG_NEWTABLE: name, flags, use, handle.</summary>
    public static byte[] TableMessage(ulong handle, uint use = 3, string name = Table) =>
        new NetlinkAttributeWriter().String(1, name).U32BigEndian(2, 0).U32BigEndian(3, use).U64BigEndian(4, handle).ToArray();

    /// <summary>NFT_MSG_NEWCHAIN: table, handle, name, use, and the counters of a base chain when given.</summary>
    public static byte[] Chain(string name, ulong handle, uint use = 0, ulong? packets = null, string table = Table)
    {
        var writer = new NetlinkAttributeWriter().String(1, table).U64BigEndian(2, handle).String(3, name).U32BigEndian(6, use);
        if (packets is { } value)
        {
            var counters = writer.BeginNested(8);
            writer.U64BigEndian(1, value * 100).U64BigEndian(2, value);
            writer.EndNested(counters);
        }

        return writer.ToArray();
    }

    /// <summary>One expression of a rule: its name and its data (attributes written by <paramref name="data"/>).</summary>
    public sealed record Expression(string Name, Action<NetlinkAttributeWriter> Data);

    public static Expression Counter(ulong packets) => new("counter", w => w.U64BigEndian(1, packets * 60).U64BigEndian(2, packets));

    /// <summary>A quota of <paramref name="limit"/> bytes with <paramref name="used"/> consumed (depleted when used up).</summary>
    public static Expression Quota(ulong limit, ulong used, bool over = false) =>
        new("quota", w => w.U64BigEndian(1, limit).U32BigEndian(2, (over ? 1u : 0) | (used >= limit ? 2u : 0)).U64BigEndian(4, used));

    /// <summary>An immediate verdict (NF_ACCEPT 1, NF_DROP 0) into the verdict register.</summary>
    public static Expression Verdict(uint code) => new("immediate", w =>
    {
        w.U32BigEndian(1, 0); // NFTA_IMMEDIATE_DREG: NFT_REG_VERDICT
        var data = w.BeginNested(2);
        var verdict = w.BeginNested(2); // NFTA_DATA_VERDICT
        w.U32BigEndian(1, code); // NFTA_VERDICT_CODE
        w.EndNested(verdict);
        w.EndNested(data);
    });

    /// <summary>An <c>add @set { key limit … }</c> whose template holds a counter of <paramref name="packets"/>.</summary>
    public static Expression Dynset(string set, ulong packets) => new("dynset", w =>
    {
        w.String(1, set).U32BigEndian(3, 0).U32BigEndian(4, 1);
        var expr = w.BeginNested(7);
        Write(w, Counter(packets));
        w.EndNested(expr);
    });

    /// <summary>NFT_MSG_NEWRULE: table, chain, handle, expressions.</summary>
    public static byte[] Rule(string chain, ulong handle, params Expression[] expressions) => RuleIn(Table, chain, handle, expressions);

    public static byte[] RuleIn(string table, string chain, ulong handle, params Expression[] expressions)
    {
        var writer = new NetlinkAttributeWriter().String(1, table).String(2, chain).U64BigEndian(3, handle);
        var list = writer.BeginNested(4);
        foreach (var expression in expressions)
        {
            var element = writer.BeginNested(1);
            Write(writer, expression);
            writer.EndNested(element);
        }

        writer.EndNested(list);
        return writer.ToArray();
    }

    /// <summary>NFT_MSG_NEWSET: table, name, flags, key length, handle.</summary>
    public static byte[] Set(string name, ulong handle, uint flags = 0) =>
        new NetlinkAttributeWriter().String(1, Table).String(2, name).U32BigEndian(3, flags).U32BigEndian(5, 4).U64BigEndian(16, handle).ToArray();

    /// <summary>One element: its key, and what packets move on it (expiration, a counter).</summary>
    public sealed record Element(uint Key, ulong? ExpiresMs = null, ulong? Packets = null);

    /// <summary>NFT_MSG_NEWSETELEM: table, set, and the elements.</summary>
    public static byte[] Elements(string set, params Element[] elements)
    {
        var writer = new NetlinkAttributeWriter().String(1, Table).String(2, set);
        var list = writer.BeginNested(3);
        foreach (var element in elements)
        {
            var item = writer.BeginNested(1);
            var key = writer.BeginNested(1);
            writer.U32BigEndian(1, element.Key); // NFTA_DATA_VALUE
            writer.EndNested(key);
            if (element.ExpiresMs is { } expires)
            {
                writer.U64BigEndian(5, expires);
            }

            if (element.Packets is { } packets)
            {
                var expr = writer.BeginNested(7);
                Write(writer, Counter(packets));
                writer.EndNested(expr);
            }

            writer.EndNested(item);
        }

        writer.EndNested(list);
        return writer.ToArray();
    }

    /// <summary>NFT_MSG_NEWOBJ: table, name, type (1 counter, 2 quota), data, use, handle.</summary>
    public static byte[] Object(string name, uint type, Expression data, ulong handle, uint use = 1)
    {
        var writer = new NetlinkAttributeWriter().String(1, Table).String(2, name).U32BigEndian(3, type);
        var nested = writer.BeginNested(4);
        data.Data(writer);
        writer.EndNested(nested);
        return writer.U32BigEndian(5, use).U64BigEndian(6, handle).ToArray();
    }

    private static void Write(NetlinkAttributeWriter writer, Expression expression)
    {
        writer.String(1, expression.Name);
        var data = writer.BeginNested(2);
        expression.Data(writer);
        writer.EndNested(data);
    }
}

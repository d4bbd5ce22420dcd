using Gateway.Agent.Netlink;

namespace Gateway.Agent.Nft;

/// <summary>
/// What identifies one build of <c>table inet gateway</c>, read straight from the kernel over NETLINK_NETFILTER:
/// the table, its chains, sets, rules, objects and flowtables (NFT_MSG_GET* dumps of that table alone), then the
/// elements of each set whose elements count (<see cref="TableHasher.SetInfo.ElementsCount"/>), one
/// NFT_MSG_GETSETELEM dump per set, all hashed as the messages arrive (<see cref="TableHasher"/>). A libnftables
/// listing built its cache of every element first: with 20,000 elements that was as much native memory as the
/// apply's own parse, for as long as the apply took.
/// </summary>
public static class TableFingerprint
{
    private const int SubsysNftables = 10;
    private const byte FamilyInet = 1; // NFPROTO_INET
    private const int Attempts = 3;

    private const int MsgNewTable = 0, MsgGetTable = 1;
    private const int MsgNewChain = 3, MsgGetChain = 4;
    private const int MsgNewRule = 6, MsgGetRule = 7;
    private const int MsgNewSet = 9, MsgGetSet = 10;
    private const int MsgNewSetElem = 12, MsgGetSetElem = 13;
    private const int MsgNewObj = 18, MsgGetObj = 19;
    private const int MsgNewFlowtable = 22, MsgGetFlowtable = 23;

    /// <summary>
    /// Both fingerprints of <c>table inet <paramref name="table"/></c> as it is now, or null when it does not exist.
    /// The dumps are several requests: when the generation moved while they ran (or a dump was interrupted), they
    /// are read again, up to three times, as libnftables does with its cache.
    /// </summary>
    /// <exception cref="NetlinkException">A request failed.</exception>
    /// <exception cref="InvalidDataException">A reply was malformed.</exception>
    public static TableFingerprints? Read(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        using var socket = new NetlinkSocket(Nl.NetlinkNetfilter);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var before = NftGeneration.Read(socket);
                var fingerprints = ReadOnce(socket, table);
                if (attempt == Attempts || NftGeneration.Read(socket) == before)
                {
                    return fingerprints;
                }
            }
            catch (NetlinkException ex) when (ex.Errno == Errno.EIntr && attempt < Attempts)
            {
                // NLM_F_DUMP_INTR: a commit came during a dump; read again.
            }
        }
    }

    private static TableFingerprints? ReadOnce(NetlinkSocket socket, string table)
    {
        var hasher = new TableHasher(table);
        try
        {
            Get(socket, MsgGetTable, MsgNewTable, table, dump: false, hasher.Table);
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ENoEnt)
        {
            return null;
        }

        Get(socket, MsgGetChain, MsgNewChain, table, dump: true, hasher.Chain);
        var sets = new List<TableHasher.SetInfo>();
        Get(socket, MsgGetSet, MsgNewSet, table, dump: true, attributes =>
        {
            if (hasher.Set(attributes) is { ElementsCount: true } set)
            {
                sets.Add(set);
            }
        });
        Get(socket, MsgGetRule, MsgNewRule, table, dump: true, hasher.Rule);
        Get(socket, MsgGetObj, MsgNewObj, table, dump: true, hasher.Object);
        Get(socket, MsgGetFlowtable, MsgNewFlowtable, table, dump: true, hasher.Flowtable);
        foreach (var set in sets)
        {
            var request = new NetlinkAttributeWriter(64).NfgenHeader(FamilyInet)
                .String(1, table) // NFTA_SET_ELEM_LIST_TABLE
                .String(2, set.Name) // NFTA_SET_ELEM_LIST_SET
                .Written;
            Request(socket, MsgGetSetElem, MsgNewSetElem, request, dump: true, hasher.Elements);
            hasher.EndSet(set);
        }

        return hasher.Result();
    }

    /// <summary>A request naming the table in attribute 1 (NFTA_TABLE_NAME, NFTA_CHAIN_TABLE, NFTA_RULE_TABLE, …, all 1).</summary>
    private static void Get(NetlinkSocket socket, int get, int reply, string table, bool dump, Action<ReadOnlySpan<byte>> handler)
    {
        var request = new NetlinkAttributeWriter(32).NfgenHeader(FamilyInet).String(1, table).Written;
        Request(socket, get, reply, request, dump, handler);
    }

    private static void Request(NetlinkSocket socket, int get, int reply, ReadOnlySpan<byte> request, bool dump, Action<ReadOnlySpan<byte>> handler)
    {
        var replyType = (ushort)((SubsysNftables << 8) | reply);
        socket.RequestRaw(
            (ushort)((SubsysNftables << 8) | get),
            dump ? (ushort)(Nl.FlagRequest | Nl.FlagDump) : Nl.FlagRequest,
            request,
            (batch, sequence) => NetlinkWalk.WalkNfnetlink(
                batch,
                sequence,
                (type, family, attributes) =>
                {
                    if (type == replyType && family == FamilyInet)
                    {
                        handler(attributes);
                    }
                },
                dump ? (ushort)0 : replyType));
    }
}

/// <summary>The two fingerprints of a table (<see cref="TableFingerprint.Read"/>).</summary>
/// <param name="Structure">The table, chains, rules, objects and set declarations with their handles; element updates leave it as it is.</param>
/// <param name="Content">All of that plus the elements of every set and map but the dynamic and <c>ph_mac_*</c> ones.</param>
public sealed record TableFingerprints(string Structure, string Content);

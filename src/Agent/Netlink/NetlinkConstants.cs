namespace Gateway.Agent.Netlink;

/// <summary>
/// Netlink / nfnetlink / ctnetlink numbers from linux/netlink.h, linux/netfilter/nfnetlink.h and
/// nfnetlink_conntrack.h, which Tmds.LibC does not carry.
/// </summary>
internal static class Nl
{
    public const int NetlinkNetfilter = 12;
    public const int NlmsgHeaderSize = 16;
    public const int NfgenmsgSize = 4;

    public const ushort FlagRequest = 0x1;
    public const ushort FlagMulti = 0x2;
    public const ushort FlagAck = 0x4;
    public const ushort FlagDumpInterrupted = 0x10;
    public const ushort FlagDump = 0x300;

    public const ushort MsgError = 2;
    public const ushort MsgDone = 3;
    public const ushort MsgOverrun = 4;

    public const byte AfInet = 2;
    public const byte AfInet6 = 10;

    public const byte NfnetlinkV0 = 0;
    public const int SubsysCtnetlink = 1;

    public const int CtMsgNew = 0;
    public const int CtMsgGet = 1;
    public const int CtMsgDelete = 2;
    public const int CtMsgGetStatsCpu = 4;
    public const int CtMsgGetStats = 5;

    public static ushort CtType(int msg) => (ushort)((SubsysCtnetlink << 8) | msg);

    // enum ctattr_type
    public const ushort CtaTupleOrig = 1;
    public const ushort CtaMark = 8;
    public const ushort CtaMarkMask = 21;
    public const ushort CtaId = 12;
    public const ushort CtaFilter = 25;

    // enum ctattr_filter and its CTA_FILTER_FLAG bits (nfnetlink_conntrack.h)
    public const ushort CtaFilterOrigFlags = 1;
    public const ushort CtaFilterReplyFlags = 2;
    public const uint CtaFilterFlagIpSrc = 1u << 0;
    public const uint CtaFilterFlagIpDst = 1u << 1;
    public const uint CtaFilterFlagProtoNum = 1u << 3;
    public const ushort CtaTupleReply = 2;

    // enum ctattr_tuple / ctattr_l4
    public const ushort CtaTupleIp = 1;
    public const ushort CtaTupleProto = 2;

    // enum ctattr_ip
    public const ushort CtaIpV4Src = 1;
    public const ushort CtaIpV4Dst = 2;
    public const ushort CtaIpV6Src = 3;
    public const ushort CtaIpV6Dst = 4;
    public const ushort CtaProtoNum = 1;

    // enum ctattr_stats_global
    public const ushort CtaStatsGlobalEntries = 1;
    public const ushort CtaStatsGlobalMaxEntries = 2;

    /// <summary>
    /// enum ctattr_stats_cpu: the per-CPU counters of an IPCTNL_MSG_CT_GET_STATS_CPU reply (the ones this kernel
    /// still fills; searched, new, ignore, delete and delete_list are gone), named as <c>conntrack -S</c> prints them.
    /// </summary>
    public static string? CpuStatName(ushort type) => type switch
    {
        2 => "found",
        4 => "invalid",
        8 => "insert",
        9 => "insert_failed",
        10 => "drop",
        11 => "early_drop",
        12 => "error",
        13 => "search_restart",
        14 => "clash_resolve",
        15 => "chaintoolong",
        _ => null,
    };
}

namespace Gateway.Agent.Routing;

/// <summary>
/// rtnetlink numbers from linux/rtnetlink.h, linux/if_addr.h, linux/if_link.h and linux/fib_rules.h, which
/// Tmds.LibC does not carry. All rtnetlink integers are host order (unlike ctnetlink's); addresses are network order.
/// </summary>
internal static class Rtnl
{
    public const int NetlinkRoute = 0;
    public const byte AfInet = 2;
    public const byte AfInet6 = 10;

    public const ushort FlagReplace = 0x100;
    public const ushort FlagExclusive = 0x200;
    public const ushort FlagCreate = 0x400;

    public const ushort NewLink = 16;
    public const ushort GetLink = 18;
    public const ushort NewAddress = 20;
    public const ushort DeleteAddress = 21;
    public const ushort GetAddress = 22;
    public const ushort NewRoute = 24;
    public const ushort DeleteRoute = 25;
    public const ushort GetRoute = 26;
    public const ushort NewRule = 32;
    public const ushort DeleteRule = 33;
    public const ushort GetRule = 34;
    public const ushort NewNeighbour = 28;
    public const ushort DeleteNeighbour = 29;
    public const ushort GetNeighbour = 30;

    // multicast group of neighbour changes (RTNLGRP_NEIGH)
    public const int GroupNeighbour = 3;

    // struct ndmsg / NDA_* / NUD_*
    public const int NdMsgSize = 12;
    public const ushort NdaDst = 1;
    public const ushort NdaLladdr = 2;
    public const ushort NudIncomplete = 0x01;
    public const ushort NudFailed = 0x20;
    public const ushort NudNoArp = 0x40;
    public const ushort NudNone = 0x00;

    // struct ifinfomsg / IFLA_*
    public const int IfInfoSize = 16;
    public const ushort IflaIfName = 3;
    public const ushort IflaMaster = 10;
    public const uint IffUp = 0x1;

    // struct ifaddrmsg / IFA_*
    public const int IfAddrSize = 8;
    public const ushort IfaAddress = 1;
    public const ushort IfaLocal = 2;
    public const ushort IfaBroadcast = 4;
    public const byte IfaFlagNoDad = 0x02;

    // struct rtmsg / RTA_*
    public const int RtMsgSize = 12;
    public const ushort RtaDst = 1;
    public const ushort RtaOif = 4;
    public const ushort RtaGateway = 5;
    public const ushort RtaTable = 15;
    public const byte RtprotStatic = 4;
    public const byte ScopeUniverse = 0;
    public const byte ScopeLink = 253;
    public const byte ScopeNowhere = 255;
    public const byte RtnUnicast = 1;

    // struct fib_rule_hdr / FRA_*
    public const int RuleHeaderSize = 12;
    public const ushort FraDst = 1;
    public const ushort FraSrc = 2;
    public const ushort FraIifName = 3;
    public const ushort FraPriority = 6;
    public const ushort FraFwMark = 10;
    public const ushort FraSuppressPrefixLength = 14;
    public const ushort FraTable = 15;
    public const ushort FraFwMask = 16;
    public const ushort FraOifName = 17;
    public const byte ActionToTable = 1;

    public const int TableMain = 254;
    public const int TableLocal = 255;
    public const int TableDefault = 253;

    // errnos the reconciler treats as "already so"
    public const int EExist = 17;
    public const int ENoEnt = 2;
    public const int ESrch = 3;
    public const int EAddrNotAvail = 99;
    public const int ENetDown = 100;
    public const int ENoDev = 19;
}

using Gateway.Agent.Upnp;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// UPnP: the chains miniupnpd fills, declared empty (a whole-table apply keeps the rules miniupnpd put there, see
/// <see cref="NftApplier"/>), and the jumps to them. Its dnat chain runs after 1:1, the redirects and the owner's
/// forwards, so an entry the owner made always wins a port; its connections carry the UPnP mark kind, so they are
/// counted and cut like a forward's.
/// </summary>
public static partial class RulesetCompiler
{
    private static void WriteUpnpDstnatJump(Writer w, GatewayConfig config, string wan)
    {
        if (MiniupnpdConfig.Runs(config))
        {
            w.Line(2, "# UPnP / NAT-PMP / PCP mappings, after every entry the owner made.");
            w.Line(2, $"meta nfproto ipv4 iifname \"{wan}\" counter jump {MiniupnpdConfig.DstnatChain}");
        }
    }

    private static void WriteUpnpSrcnatJump(Writer w, GatewayConfig config)
    {
        if (MiniupnpdConfig.Runs(config))
        {
            w.Line(2, $"meta nfproto ipv4 jump {MiniupnpdConfig.SrcnatChain}");
        }
    }

    /// <summary>In <c>pf_forward</c>: a new connection from the WAN that no forward marked was DNATed by a mapping.</summary>
    private static void WriteUpnpMark(Writer w, GatewayConfig config, string wan)
    {
        if (MiniupnpdConfig.Runs(config))
        {
            w.Line(2, $"ct state new iifname \"{wan}\" ct mark 0 ct mark set 0x{CtMarks.UpnpKind:x8} counter");
        }
    }

    private static void WriteUpnpChains(Writer w, GatewayConfig config)
    {
        if (!MiniupnpdConfig.Runs(config))
        {
            return;
        }

        w.Line();
        w.Line(1, "# miniupnpd's own chains: it adds and deletes the rules; an apply declares them and keeps what they hold.");
        foreach (var chain in MiniupnpdConfig.Chains)
        {
            w.Line(1, $"chain {chain} {{");
            w.Line(1, "}");
        }
    }
}

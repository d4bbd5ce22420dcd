using Gateway.Shared.Config;

namespace Gateway.Agent.Nft;

/// <summary>
/// Conntrack application helpers: one <c>ct helper</c> object per protocol in use, assigned on a forward's
/// connections (by the forward's ct mark) and on new LAN → uplink connections to the protocol's well-known port.
/// </summary>
/// <remarks>
/// nft 1.0.6 has no named map type for helper objects (<c>type … : ct helper</c> is a syntax error), so the
/// assignments use anonymous maps. A forward's helper is keyed by protocol and its ct mark, not by <c>meta l4proto . ct
/// original proto-dst</c>: nft refuses that concatenation ("variable sized data types"). Objects are
/// <c>l3proto inet</c>, so the same object also serves IPv6 connections. The kernel's NAT halves
/// (nf_nat_ftp, …) follow the conntrack helper by themselves.
/// </remarks>
public static partial class RulesetCompiler
{
    /// <summary>The helpers the table needs: those of enabled forwards and the outbound list, in enum order.</summary>
    private static List<ConntrackHelper> HelpersInUse(GatewayConfig config, List<PortForward> forwards) =>
        forwards.Select(f => f.EffectiveHelper).OfType<ConntrackHelper>()
            .Concat(config.Helpers.Outbound)
            .Distinct()
            .Order()
            .ToList();

    private static void WriteHelperObjects(Writer w, GatewayConfig config, List<PortForward> forwards)
    {
        foreach (var helper in HelpersInUse(config, forwards))
        {
            w.Line();
            w.Line(1, $"ct helper {helper.ToWord()} {{");
            w.Line(2, $"type \"{helper.KernelName()}\" protocol {Transport(helper)}");
            w.Line(2, "l3proto inet");
            w.Line(1, "}");
        }
    }

    /// <summary>Forward chain: the outbound helpers on new LAN connections to any other link, by well-known port.</summary>
    private static void WriteOutboundHelpers(Writer w, GatewayConfig config, string lan)
    {
        var outbound = config.Helpers.Outbound.Distinct().Order().ToList();
        if (outbound.Count == 0)
        {
            return;
        }

        var elements = outbound.Select(h => $"{Transport(h)} . {Number(h.WellKnownPort())} : \"{h.ToWord()}\"");
        w.Line(2, "# Outbound helpers: new LAN connections to an uplink, by the protocol's well-known port (before the rules).");
        w.Line(2, $"iifname \"{lan}\" oifname != \"{lan}\" ct state new ct helper set meta l4proto . th dport map {{ {string.Join(", ", elements)} }}");
    }

    /// <summary>
    /// pf_forward: each forward's helper, by the ct mark (= forward id) set just before, and only on the
    /// helper's own transport (an ftpHelper forward may cover udp too).
    /// </summary>
    private static void WriteForwardHelpers(Writer w, List<PortForward> forwards)
    {
        var elements = forwards
            .Where(f => f.Id > 0 && f.EffectiveHelper is not null)
            .Select(f => $"{Transport(f.EffectiveHelper!.Value)} . {Number(f.Id)} : \"{f.EffectiveHelper!.Value.ToWord()}\"")
            .Distinct()
            .ToList();
        if (elements.Count > 0)
        {
            w.Line(2, $"ct state new ct helper set meta l4proto . ct mark map {{ {string.Join(", ", elements)} }}");
        }
    }

    private static string Transport(ConntrackHelper helper) => helper.Transport() == ForwardProtocol.Tcp ? "tcp" : "udp";
}

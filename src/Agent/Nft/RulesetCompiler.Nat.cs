using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>NAT beyond masquerade: 1:1 NAT, redirects (REDIR) and the marks, masquerades and accepts of policy routes.</summary>
public static partial class RulesetCompiler
{
    /// <summary>The chain the guard jumps to for LAN traffic that may follow a policy route.</summary>
    private const string PolicyChain = "policy_route";

    private static List<OneToOneNat> EnabledOneToOne(GatewayConfig config) =>
        config.OneToOne.Where(e => e.Enabled).OrderBy(e => e.Id).ToList();

    private static List<Redirect> EnabledRedirects(GatewayConfig config) =>
        config.Redirects.Where(r => r.Enabled).OrderBy(r => r.Id).ToList();

    /// <summary>Enabled policy routes in slot order: slot i uses <see cref="PolicyRouting.Number"/>(i) as packet mark.</summary>
    private static List<PolicyRoute> EnabledPolicyRoutes(GatewayConfig config) =>
        config.PolicyRoutes.Where(r => r.Enabled).OrderBy(r => r.Id).ToList();

    private static string Hex(uint value) => "0x" + value.ToString("x8", CultureInfo.InvariantCulture);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The four 1:1 maps: addresses both ways, and the entry's ct mark by either address.</summary>
    private static void WriteOneToOneMaps(Writer w, List<OneToOneNat> entries)
    {
        var inbound = new List<CompiledElement>();
        var outbound = new List<CompiledElement>();
        var markIn = new List<CompiledElement>();
        var markOut = new List<CompiledElement>();
        foreach (var entry in entries)
        {
            var external = Ipv4.Format(ParseAddress(entry.ExternalAddress));
            var @internal = Ipv4.Format(ParseAddress(entry.InternalAddress));
            var mark = Hex(CtMarks.OneToOne(entry.Id));
            var comment = NftText.Comment(entry.Name);
            inbound.Add(new(external, $"{external}{comment} : {@internal}"));
            outbound.Add(new(@internal, $"{@internal}{comment} : {external}"));
            markIn.Add(new(external, $"{external} : {mark}"));
            markOut.Add(new(@internal, $"{@internal} : {mark}"));
        }

        w.Line();
        w.Line(1, "# 1:1 NAT: external address -> LAN host (every port, every protocol), and back for its outbound traffic.");
        w.Collection("map", "o2o_in", "type ipv4_addr : ipv4_addr", null, inbound);
        w.Collection("map", "o2o_out", "type ipv4_addr : ipv4_addr", null, outbound);
        w.Line(1, "# ct mark of a 1:1 entry's connections (inbound by external address, outbound by LAN host).");
        w.Collection("map", "o2o_mark_in", "type ipv4_addr : mark", null, markIn);
        w.Collection("map", "o2o_mark_out", "type ipv4_addr : mark", null, markOut);
    }

    /// <summary>
    /// The 1:1 dnat and the redirects, at the top of dstnat. 1:1 comes first: it owns every port of its
    /// address, and forwards keep the WAN's own address because they only see what the 1:1 map did not take.
    /// The LAN line is the 1:1 hairpin; it does not ask <c>fib daddr type local</c>, so it also works for an
    /// external address the agent did not put on the WAN link (routed to the router by the ISP).
    /// </summary>
    private static void WriteOneToOneAndRedirectNat(Writer w, GatewayConfig config, string wan, string lan)
    {
        if (EnabledOneToOne(config).Count > 0)
        {
            w.Line(2, "# 1:1 NAT, from the WAN and (hairpin) from the LAN; the connection carries the entry's ct mark.");
            foreach (var link in new[] { wan, lan })
            {
                w.Line(2, $"iifname \"{link}\" ip daddr @o2o_in counter ct mark set ip daddr map @o2o_mark_in dnat ip to ip daddr map @o2o_in");
            }
        }

        var redirects = EnabledRedirects(config);
        if (redirects.Count > 0)
        {
            w.Line(2, "# Redirects: answered by the router's own port; the connection carries the redirect's ct mark.");
        }

        foreach (var redirect in redirects)
        {
            var link = redirect.InInterface is null ? lan : Interface(redirect.InInterface);
            var protocol = redirect.Protocol switch
            {
                ForwardProtocol.Tcp => "tcp",
                ForwardProtocol.Udp => "udp",
                _ => "{ tcp, udp }",
            };
            var ports = redirect.PortEnd is { } end && end != redirect.Port ? $"{Number(redirect.Port)}-{Number(end)}" : Number(redirect.Port);
            var destination = redirect.Destination is null
                ? "fib daddr type != local"
                : $"ip daddr {Cidr(redirect.Destination, $"Redirect {redirect.Id}: bad destination.")}";
            w.Line(2, $"iifname \"{link}\" meta nfproto ipv4 meta l4proto {protocol} th dport {ports} {destination} counter "
                + $"ct mark set {Hex(CtMarks.Redirect(redirect.Id))} redirect to :{Number(redirect.ToPort)}{NftText.Comment(redirect.Name)}");
        }
    }

    /// <summary>1:1 snat and the policy routes' masquerades, ahead of the WAN's masquerade.</summary>
    private static void WriteOneToOneAndPolicySnat(Writer w, GatewayConfig config, string wan)
    {
        if (EnabledOneToOne(config).Count > 0)
        {
            w.Line(2, "# 1:1 NAT: the LAN host leaves as its external address (and its connection carries the entry's ct mark).");
            w.Line(2, $"oifname \"{wan}\" ip saddr @o2o_out counter ct mark set ip saddr map @o2o_mark_out snat ip to ip saddr map @o2o_out");
        }

        var routes = EnabledPolicyRoutes(config);
        if (routes.Any(r => r.Masquerade))
        {
            w.Line(2, "# Policy routes that masquerade, by their packet mark (a route without masquerade leaves untranslated).");
        }

        for (var slot = 0; slot < routes.Count; slot++)
        {
            if (routes[slot].Masquerade)
            {
                w.Line(2, $"oifname \"{Interface(routes[slot].OutInterface)}\" meta mark {Number(PolicyRouting.Number(slot))} counter masquerade");
            }
        }
    }

    /// <summary>Input: redirected connections from a link that is not the LAN (the LAN is accepted anyway).</summary>
    private static void WriteRedirectAccept(Writer w, GatewayConfig config)
    {
        if (EnabledRedirects(config).Count == 0)
        {
            return;
        }

        w.Line(2, "# Connections a redirect sent to the router's own port, from any link.");
        w.Line(2, $"ct status dnat ct mark & {Hex(CtMarks.KindMask)} == {Hex(CtMarks.RedirectKind)} counter accept");
    }

    /// <summary>Forward: 1:1 connections (marked in dstnat) are accepted before the port forwards' mark-by-port.</summary>
    private static void WriteOneToOneAccept(Writer w, GatewayConfig config)
    {
        if (EnabledOneToOne(config).Count == 0)
        {
            return;
        }

        w.Line(2, "# 1:1 NAT connections (a forward's mark-by-port must never relabel them).");
        w.Line(2, $"ct status dnat ct mark & {Hex(CtMarks.KindMask)} == {Hex(CtMarks.OneToOneKind)} counter accept");
    }

    /// <summary>Forward: LAN traffic a policy route sends out of its link.</summary>
    private static void WritePolicyAccept(Writer w, GatewayConfig config, string lan)
    {
        var routes = EnabledPolicyRoutes(config);
        if (routes.Count > 0)
        {
            w.Line(2, "# Policy routes: marked LAN traffic out of the route's link.");
        }

        for (var slot = 0; slot < routes.Count; slot++)
        {
            w.Line(2, $"iifname \"{lan}\" oifname \"{Interface(routes[slot].OutInterface)}\" meta mark {Number(PolicyRouting.Number(slot))} counter accept");
        }
    }

    /// <summary>Guard: the jump into <see cref="PolicyChain"/> for LAN traffic leaving the LAN.</summary>
    private static void WritePolicyJump(Writer w, GatewayConfig config, string lan, Ipv4Cidr lanCidr)
    {
        if (EnabledPolicyRoutes(config).Count == 0)
        {
            return;
        }

        w.Line(2, "# Policy routes: LAN traffic leaving the LAN, not to the router's own (or 1:1) addresses, in the original");
        w.Line(2, "# direction only, so replies of inbound forwards and 1:1 connections go back the way they came.");
        w.Line(2, $"iifname \"{lan}\" ip daddr != {lanCidr.NetworkText} fib daddr type != local ct direction original jump {PolicyChain}");
    }

    /// <summary>
    /// The packet mark the agent's <c>ip rule fwmark</c> routes by. A connection belongs to a route from its first
    /// packet on: a new connection from the route's source (first match in id order, sources may nest) gets the
    /// route's ct mark, and every packet of a connection carrying a route's ct mark gets that route's packet mark.
    /// A connection that was open before the route existed (ct mark 0, not new) keeps the main table, so it is
    /// not moved to another uplink in mid-flight with the wrong source address.
    /// </summary>
    private static void WritePolicyChains(Writer w, GatewayConfig config)
    {
        var routes = EnabledPolicyRoutes(config);
        if (routes.Count == 0)
        {
            return;
        }

        var carried = new List<string>();
        for (var slot = 0; slot < routes.Count; slot++)
        {
            carried.Add($"{Hex(CtMarks.PolicyRoute(routes[slot].Id))} : {Number(PolicyRouting.Number(slot))}");
        }

        w.Line();
        w.Line(1, $"chain {PolicyChain} {{");
        w.Line(2, "# Connections a route already carries.");
        w.Line(2, $"meta mark set ct mark map {{ {string.Join(", ", carried)} }} return");
        w.Line(2, "# New connections, by source.");
        for (var slot = 0; slot < routes.Count; slot++)
        {
            var route = routes[slot];
            var source = Cidr(route.Source, $"Policy route {route.Id}: bad source.");
            w.Line(2, $"ct state new ct mark 0 ip saddr {source} counter meta mark set {Number(PolicyRouting.Number(slot))} "
                + $"ct mark set {Hex(CtMarks.PolicyRoute(route.Id))} return{NftText.Comment(route.Name)}");
        }

        w.Line(1, "}");
    }

    /// <summary>A CIDR as nft writes it: a bare address for a /32.</summary>
    private static string Cidr(string text, string error)
    {
        if (!Ipv4Cidr.TryParse(text, allowBareAddress: true, out var cidr))
        {
            throw new ArgumentException(error);
        }

        return cidr.PrefixLength == 32 ? Ipv4.Format(cidr.Address) : cidr.NetworkText;
    }
}

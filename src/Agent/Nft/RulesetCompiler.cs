using System.Globalization;
using System.Text;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>
/// Turns a (validated) <see cref="GatewayConfig"/> into the whole <c>table inet gateway</c>: a pure function,
/// so the same config (and the same carried-over counters) always gives byte-identical text (golden-file tested).
/// </summary>
/// <remarks>
/// Shape of the table, and why:
/// <list type="bullet">
/// <item>Hooks, in the order a packet meets them: <c>killed</c> and <c>mac_filter</c> (prerouting, raw), <c>guard</c> (prerouting,
/// mangle: after conntrack, before dstnat and before any accept), <c>dstnat</c>, then <c>input</c> / <c>forward</c>
/// (filter, policy drop), <c>output</c> (only when output rules exist), <c>srcnat</c>.</item>
/// <item><c>guard</c> holds the protection that must see every packet: invalid and new-TCP-without-SYN drops,
/// anti-spoofing (LAN sources on the WAN, <c>fib saddr . iif oif missing</c>) and the per-source echo limit
/// (an echo limit below <c>ct state established accept</c> would limit nothing). Every DoS drop goes through
/// <c>dos_drop</c>, which counts and logs (category dos) under the shared log limit. Because the guard drops
/// invalid packets before they are routed, the forward chain does not repeat it.</item>
/// <item>Input is closed for every link that is not the LAN, not only the named WAN: a second uplink, a
/// <c>ppp1</c> or a new VLAN gets nothing the WAN does not. Order: loopback, established, the SYN meter (any
/// link but the LAN; the LAN is exempt so the admin can't rate-limit themselves out of the panel, and it sits
/// before the rules so an accept rule can't bypass it), <c>rules_input</c>, LAN accept, DHCP/DHCPv6 client
/// answers on the WAN link only (the one link the router is a DHCP client on), neighbour discovery on any link, WAN ping if allowed, then the dropped-input log and drop or
/// reject.</item>
/// <item>Traffic rules live in <c>rules_input</c> / <c>rules_forward</c> / <c>rules_output</c>, jumped to after
/// established/related and before the built-in defaults. Each rule counts into its own named counter object
/// (<c>rule_&lt;id&gt;</c>), declared with the values read from the running table, so hits survive applies. A rule
/// that logs, or whose verdict takes more than one statement, jumps to its own chain <c>rule_&lt;id&gt;</c>: the
/// log line there is rate-limited by <c>gw_log</c> without that limit deciding the verdict.
/// <see cref="Verdicts"/> is the one place that writes accept, drop and every reject form.</item>
/// <item>Port forwards live in maps keyed by <c>meta l4proto . th dport</c>, so a lookup costs the same at 10,000
/// forwards as at one. A range is expanded port by port (at most 1,024 per forward) because nft has no
/// "map by offset" for a concatenated key. Source-restricted forwards sit in their own interval map whose key
/// starts with <c>ip saddr</c>.</item>
/// <item>The connection's <c>ct mark</c> is the forward id (set once, on the first forwarded packet, from the
/// original destination port), so per-forward counts come straight from a conntrack dump and a removed
/// forward's connections can be deleted by mark.</item>
/// <item>Hairpin: LAN packets to any local address other than the router's LAN address (<c>fib daddr type
/// local</c>) take the same dnat path, and DNATed LAN→LAN traffic that entered on the LAN is masqueraded so
/// replies come back through the router. <c>iifname</c> works in postrouting for forwarded packets (the kernel
/// hands the input device to the hook; measured on a three-namespace lab), so a WAN packet with a spoofed LAN
/// source is never masqueraded to look like the router. The WAN address never appears, so a PPP reconnect
/// with a new address needs no re-apply.</item>
/// <item>One ct mark name space (<see cref="CtMarks"/>): a forward's mark is its id, 1:1 entries, redirects and
/// policy routes carry theirs under a kind tag in the top byte, so the agent counts and cuts every kind by mark.</item>
/// <item>1:1 NAT (<c>o2o_*</c> maps) sits at the top of dstnat, for the WAN and (hairpin) the LAN, ahead of the
/// redirects and the forwards: it owns every port of its address, and forwards keep the WAN's own address. Its
/// snat sits ahead of masquerade. Both set the entry's ct mark in the nat rule itself, so no traffic rule can
/// skip it, and forward accepts 1:1 connections by that mark before <c>pf_forward</c>'s mark-by-port could
/// relabel them.</item>
/// <item>Redirects (<c>redirect to :port</c>, IPv4: their match is <c>meta nfproto ipv4</c>, destinations are
/// IPv4) set their ct mark in dstnat; input accepts redirected connections by mark kind from any link, after the
/// traffic rules.</item>
/// <item>Policy routes: the guard sends LAN traffic leaving the LAN (not to the router's own or 1:1 addresses,
/// original direction only) to <c>policy_route</c>: a new connection gets the ct mark of the first route whose
/// source matches (id order), and every packet of a connection carrying a route's ct mark gets the packet mark
/// the agent's <c>ip rule</c>s route by, so connections older than the route stay on the main table. Forward accepts marked
/// LAN traffic out of the route's link; srcnat masquerades it by mark when the route says so. Anti-spoofing
/// checks only packets conntrack does not vouch for, because replies on the second uplink fail a main-table
/// <c>fib saddr . iif</c> check.</item>
/// <item>Conntrack helpers: one <c>ct helper</c> object per protocol in use, assigned in <c>pf_forward</c> by a
/// forward's mark and on new LAN → uplink connections by well-known port (see <c>RulesetCompiler.Helpers.cs</c>).</item>
/// <item>IPv6 (see <c>RulesetCompiler.Ipv6.cs</c>): routed without NAT (masquerade is IPv4 only). With
/// <c>lanIpv6</c> off, forward drops IPv6 first. With it on: link-scope ICMPv6 is never routed, RFC 4890 errors and
/// echo reach LAN hosts, the router takes ICMPv6 errors and link-local MLD on every link, and pinholes accept new
/// WAN → LAN connections by interface identifier or by a MAC's address set (filled by the agent at run time).</item>
/// <item>All logging shares one named <c>limit</c> object, so a flood in one category can't drown the log.
/// Prefixes are <c>gw &lt;category word&gt; </c>, with the item's id after the word for port forwards and rules.</item>
/// <item>User text (names) only appears inside sanitised comments (<see cref="NftText"/>).</item>
/// </list>
/// </remarks>
public static partial class RulesetCompiler
{
    public const string TableName = "gateway";

    /// <summary>Prefix of every log line the ruleset emits; the kmsg reader picks lines by it.</summary>
    public const string LogPrefix = "gw ";

    /// <summary>The log prefix of a category (<c>gw dos </c>), with the item's id for categories that carry one (<c>gw rule 7 </c>).</summary>
    public static string Prefix(FirewallCategory category, int? id = null) =>
        category.CarriesId() && id is { } value
            ? $"{LogPrefix}{category.ToWord()} {value.ToString(CultureInfo.InvariantCulture)} "
            : $"{LogPrefix}{category.ToWord()} ";

    /// <summary>Named counter of packets that reached a log site (before the shared limit).</summary>
    public const string LogTriedCounter = "log_tried";

    /// <summary>Named counter of packets the shared limit let through to <c>log</c>.</summary>
    public const string LogLoggedCounter = "log_logged";

    /// <summary>What precedes every <c>log</c> statement: counted, rate-limited by <c>gw_log</c>, counted again.</summary>
    internal const string LimitedLog = "counter name \"" + LogTriedCounter + "\" limit name \"gw_log\" counter name \"" + LogLoggedCounter + "\"";

    /// <param name="config">A config the validator accepted.</param>
    /// <param name="counters">The running table's rule counters by rule id, carried into the new table.</param>
    /// <param name="accounts">The uids and gids of the accounts the rules name (<see cref="RuleAccounts.Resolve"/>).</param>
    /// <param name="quotas">The running table's rule quotas' used bytes by rule id, carried into the new table.</param>
    public static string Compile(GatewayConfig config, IReadOnlyDictionary<int, RuleHits>? counters = null, RuleAccounts? accounts = null, IReadOnlyDictionary<int, long>? quotas = null) =>
        CompileTable(config, accounts).Text(counters, quotas);

    /// <summary>The table of <paramref name="config"/> split into skeleton and elements (<see cref="CompiledTable"/>).</summary>
    /// <param name="config">A config the validator accepted.</param>
    /// <param name="accounts">The uids and gids of the accounts the rules name; a rule naming one not here is an <see cref="ArgumentException"/>.</param>
    public static CompiledTable CompileTable(GatewayConfig config, RuleAccounts? accounts = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var network = config.Network;
        var wan = Interface(network.WanInterface);
        var lan = Interface(network.LanInterface);
        if (!Ipv4Cidr.TryParse(network.LanAddress, allowBareAddress: false, out var lanCidr))
        {
            throw new ArgumentException("The LAN address is not a.b.c.d/len.", nameof(config));
        }

        var forwards = config.PortForwards.Where(f => f.Enabled).OrderBy(f => f.Id).ThenBy(f => f.ExternalPort).ToList();
        var logging = config.Logging;
        var protection = config.Protection;
        var w = new Writer(4096 + (config.Rules.Count * 200));

        w.Line($"table inet {TableName} {{");
        w.Line(1, $"comment \"Gateway: generated by the agent, rebuilt or updated on every apply; edits by hand are undone\"");
        w.Line();
        w.Line(1, $"limit gw_log {{ rate {logging.RatePerMinute}/minute burst {logging.Burst} packets }}");
        // Every log site counts before and after the limit: tried - logged is what the limit suppressed
        // (an nft limit that is over just ends the rule and counts nothing itself).
        w.Counter(LogTriedCounter, RuleCounters.LogTriedId);
        w.Counter(LogLoggedCounter, RuleCounters.LogLoggedId);
        WriteHelperObjects(w, config, forwards);
        WriteRuleCounters(w, config);
        WriteForwardMaps(w, forwards, logging);
        WriteOneToOneMaps(w, EnabledOneToOne(config));
        WriteMacFilterSet(w, config);
        WritePinholeSets(w, config);
        WriteDosSets(w, protection);
        WriteDosDrop(w, logging);
        WritePortScanSets(w, protection);
        WritePortScanChains(w, protection, logging);
        WriteKilledFlowSets(w);
        WriteKilledFlowChain(w);
        WriteMacFilterChain(w, config, lan);
        WriteGuardChain(w, config, wan, lan, lanCidr);
        WriteOutputGuardChain(w, config);
        WritePolicyChains(w, config);
        WriteNatChains(w, config, wan, lan, lanCidr);
        WriteInputChain(w, config, lan);
        WriteForwardChains(w, config, wan, lan, forwards);
        WriteOutputChain(w, config);
        WriteRuleChains(w, config, accounts ?? RuleAccounts.None);
        WriteUpnpChains(w, config);
        w.Line("}");
        return w.Build();
    }

    private static void WriteForwardMaps(Writer w, List<PortForward> forwards, LoggingPolicy logging)
    {
        var open = new List<CompiledElement>();
        var restricted = new List<CompiledElement>();
        var markTcp = new List<CompiledElement>();
        var markUdp = new List<CompiledElement>();
        var noReflect = new List<CompiledElement>();
        var logMap = new List<CompiledElement>();
        var logChains = new List<(int Id, FirewallLogLevel Level)>();

        foreach (var forward in forwards)
        {
            var target = Ipv4.Format(ParseAddress(forward.InternalAddress));
            string? source = null;
            if (forward.SourceCidr is not null)
            {
                if (!Ipv4Cidr.TryParse(forward.SourceCidr, allowBareAddress: true, out var cidr))
                {
                    throw new ArgumentException($"Port forward {forward.Id}: bad source CIDR.");
                }

                source = cidr.NetworkText;
            }

            var comment = NftText.Comment(forward.Name);
            foreach (var protocol in Protocols(forward))
            {
                for (var port = forward.ExternalPort; port <= forward.ExternalLast; port++)
                {
                    var internalPort = forward.InternalFirst + (port - forward.ExternalPort);
                    var note = port == forward.ExternalPort ? comment : string.Empty;
                    var value = $"{target} . {internalPort.ToString(CultureInfo.InvariantCulture)}";
                    var key = $"{protocol} . {port.ToString(CultureInfo.InvariantCulture)}";
                    if (source is null)
                    {
                        open.Add(new(key, $"{key}{note} : {value}"));
                    }
                    else
                    {
                        var sourceKey = $"{source} . {key}";
                        restricted.Add(new(sourceKey, $"{sourceKey}{note} : {value}"));
                    }

                    if (!forward.Reflection)
                    {
                        noReflect.Add(new(key, key));
                    }

                    if (forward.Id > 0)
                    {
                        var portText = port.ToString(CultureInfo.InvariantCulture);
                        (protocol == "tcp" ? markTcp : markUdp).Add(new(portText, $"{portText} : {forward.Id.ToString(CultureInfo.InvariantCulture)}"));
                    }
                }
            }

            var level = forward.LogLevel ?? logging.PortForwards;
            if (level != FirewallLogLevel.Off && forward.Id > 0)
            {
                var idText = forward.Id.ToString(CultureInfo.InvariantCulture);
                logMap.Add(new(idText, $"{idText} : jump pf_log_{idText}"));
                logChains.Add((forward.Id, level));
            }
        }

        w.Line();
        w.Line(1, "# Port forwards open to any source: protocol . external port -> LAN address . port.");
        w.Collection("map", "pf_dnat", "type inet_proto . inet_service : ipv4_addr . inet_service", null, open);
        w.Line();
        w.Line(1, "# Port forwards restricted to a source network.");
        w.Collection("map", "pf_dnat_src", "type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service", "flags interval", restricted);
        w.Line();
        w.Line(1, "# ct mark = forward id, by original destination port.");
        w.Collection("map", "pf_mark_tcp", "type inet_service : mark", null, markTcp);
        w.Collection("map", "pf_mark_udp", "type inet_service : mark", null, markUdp);
        w.Line();
        w.Line(1, "# Forwards LAN clients may not reach through the WAN address (reflection off).");
        w.Collection("set", "pf_noreflect", "type inet_proto . inet_service", null, noReflect);
        w.Line();
        w.Line(1, "# Forwards whose new connections are logged, by ct mark.");
        w.Collection("map", "pf_log", "type mark : verdict", null, logMap);
        foreach (var (id, level) in logChains)
        {
            var idText = id.ToString(CultureInfo.InvariantCulture);
            w.Line(1, $"chain pf_log_{idText} {{ {LimitedLog} log prefix \"{Prefix(FirewallCategory.PortForward, id)}\" level {level.ToWord()}; }}");
        }
    }

    private static void WriteMacFilterSet(Writer w, GatewayConfig config)
    {
        if (config.MacPolicy.Mode == MacFilterMode.Off)
        {
            return;
        }

        var elements = config.MacFilters
            .Where(m => m.Enabled)
            .Select(m => (Mac: Mac(m.Mac), m.Name))
            .OrderBy(m => m.Mac, StringComparer.Ordinal)
            .Select(m => new CompiledElement(m.Mac, $"{m.Mac}{NftText.Comment(m.Name)}"))
            .ToList();
        w.Line();
        w.Line(1, config.MacPolicy.Mode == MacFilterMode.DenyListed
            ? "# MAC filter (deny-listed): frames from these LAN sources are dropped."
            : "# MAC filter (allow-listed): frames from any other LAN source are dropped.");
        w.Collection("set", "mac_filter", "type ether_addr", null, elements);
    }

    private static void WriteMacFilterChain(Writer w, GatewayConfig config, string lan)
    {
        var mode = config.MacPolicy.Mode;
        if (mode == MacFilterMode.Off)
        {
            return;
        }

        var match = mode == MacFilterMode.DenyListed ? "ether saddr @mac_filter" : "ether saddr != @mac_filter";
        w.Line();
        w.Line(1, "chain mac_filter {");
        w.Line(2, "type filter hook prerouting priority raw; policy accept;");
        Log(w, $"iifname \"{lan}\" {match}", config.Logging.MacFilter, FirewallCategory.MacFilter);
        w.Line(2, $"iifname \"{lan}\" {match} counter drop");
        w.Line(1, "}");
    }

    private static void WriteNatChains(Writer w, GatewayConfig config, string wan, string lan, Ipv4Cidr lanCidr)
    {
        var network = config.Network;
        w.Line();
        w.Line(1, "chain dstnat {");
        w.Line(2, "type nat hook prerouting priority dstnat; policy accept;");
        WriteOneToOneAndRedirectNat(w, config, wan, lan);
        w.Line(2, $"meta nfproto ipv4 iifname \"{wan}\" counter jump pf_dnat");
        WriteUpnpDstnatJump(w, config, wan);
        w.Line(2, "# Reflection: LAN clients addressing the router's other (WAN) addresses.");
        w.Line(2, $"iifname \"{lan}\" ip daddr != {Ipv4.Format(lanCidr.Address)} fib daddr type local counter jump pf_hairpin");
        w.Line(1, "}");
        w.Line();
        w.Line(1, "chain pf_hairpin {");
        w.Line(2, "meta l4proto . th dport @pf_noreflect counter return");
        w.Line(2, "counter jump pf_dnat");
        w.Line(1, "}");
        w.Line();
        w.Line(1, "chain pf_dnat {");
        w.Line(2, "meta l4proto { tcp, udp } counter dnat ip to ip saddr . meta l4proto . th dport map @pf_dnat_src");
        w.Line(2, "meta l4proto { tcp, udp } counter dnat ip to meta l4proto . th dport map @pf_dnat");
        w.Line(1, "}");
        w.Line();
        w.Line(1, "chain srcnat {");
        w.Line(2, "type nat hook postrouting priority srcnat; policy accept;");
        WriteOneToOneAndPolicySnat(w, config, wan);
        WriteUpnpSrcnatJump(w, config);
        if (network.Masquerade)
        {
            // IPv4 only: IPv6 is routed, and an inet masquerade without a family would NAT it too.
            w.Line(2, $"meta nfproto ipv4 oifname \"{wan}\" counter masquerade");
        }

        w.Line(2, "# Reflected connections: the LAN server must answer through the router, not directly.");
        w.Line(2, $"ct status dnat iifname \"{lan}\" oifname \"{lan}\" ip saddr {lanCidr.NetworkText} counter masquerade");
        w.Line(1, "}");
    }

    private static void WriteInputChain(Writer w, GatewayConfig config, string lan)
    {
        var protection = config.Protection;
        w.Line();
        w.Line(1, "chain input {");
        w.Line(2, "type filter hook input priority filter; policy drop;");
        w.Line(2, "iif \"lo\" counter accept");
        JumpToRecheck(w, config, RuleChain.Input);
        w.Line(2, "ct state established,related counter accept");
        if (protection.SynFlood.Enabled)
        {
            w.Line(2, "# New TCP from any link but the LAN (the admin can't be limited out of the panel), before the rules.");
        }

        SynMeter(w, protection.SynFlood, $"iifname != \"{lan}\"");
        if (config.Dhcp.Enabled || config.Dns.Enabled || config.Network.Ipv6Enabled)
        {
            // dnsmasq serves the LAN only: no traffic rule may open its DNS, DHCP or DHCPv6 ports to another link.
            w.Line(2, "# The LAN's DNS, DHCP and DHCPv6 server answers on the LAN link only.");
            w.Line(2, $"iifname != \"{lan}\" meta l4proto {{ tcp, udp }} th dport {{ 53, 67, 547 }} counter drop");
        }

        JumpToRules(w, config, RuleChain.Input);
        WriteRedirectAccept(w, config);
        w.Line(2, "# The LAN always reaches the router, so the admin can't be locked out.");
        w.Line(2, $"iifname \"{lan}\" counter accept");
        // Static addressing runs no DHCPv4 client, and no DHCPv6 client unless it asks for a prefix (IPv6 auto).
        var wanSettings = config.Wan;
        WriteClientAnswers(w, [Interface(config.Network.WanInterface)], dhcpv4: wanSettings.Mode != WanMode.Static, dhcpv6: wanSettings.Mode != WanMode.Static || wanSettings.RunsClient);
        WriteIpv6Input(w, config);
        if (protection.WanPing)
        {
            w.Line(2, "icmp type echo-request counter accept");
            w.Line(2, "icmpv6 type echo-request counter accept");
        }

        w.Line(2, "# Everything else, from every link that is not the LAN.");
        WritePortScanJump(w, protection, lan);
        Log(w, null, config.Logging.DroppedInput, FirewallCategory.DroppedInput);
        if (protection.WanInput == WanInputAction.Reject)
        {
            w.Line(2, "meta l4proto tcp counter reject with tcp reset");
            w.Line(2, "counter reject with icmpx type port-unreachable");
        }
        else
        {
            w.Line(2, "counter drop");
        }

        w.Line(1, "}");
    }

    /// <summary>
    /// Answers to the router's own DHCP/DHCPv6 leases (broadcast or from a server conntrack never saw a request to,
    /// so <c>ct state established</c> can't match them), only on <paramref name="clientLinks"/>: elsewhere a packet
    /// from port 67 would reach whatever listens on 68 from anyone. An empty list means every link (lockdown with
    /// no uplink). Neighbour discovery on any link. <paramref name="dhcpv4"/> / <paramref name="dhcpv6"/> false: no client
    /// of that family runs, so its port stays closed.
    /// </summary>
    private static void WriteClientAnswers(Writer w, IReadOnlyList<string> clientLinks, bool dhcpv4 = true, bool dhcpv6 = true)
    {
        var on = clientLinks.Count switch
        {
            0 => string.Empty,
            1 => $"iifname \"{clientLinks[0]}\" ",
            _ => $"iifname {{ {string.Join(", ", clientLinks.Select(l => $"\"{l}\""))} }} ",
        };
        w.Line(2, clientLinks.Count == 0
            ? "# The router's own DHCP/DHCPv6 leases, on any link while none is an uplink."
            : "# The router's own DHCP/DHCPv6 leases, only on the link(s) it is a DHCP client on.");
        if (dhcpv4)
        {
            w.Line(2, $"{on}meta nfproto ipv4 udp sport 67 udp dport 68 counter accept");
        }

        if (dhcpv6)
        {
            w.Line(2, $"{on}meta nfproto ipv6 udp sport 547 udp dport 546 counter accept");
        }

        w.Line(2, "# Neighbour discovery (multicast, so conntrack can't match it).");
        w.Line(2, "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } counter accept");
    }

    private static void WriteForwardChains(Writer w, GatewayConfig config, string wan, string lan, List<PortForward> forwards)
    {
        w.Line();
        w.Line(1, "chain forward {");
        w.Line(2, "type filter hook forward priority filter; policy drop;");
        WriteIpv6ForwardGate(w, config);
        JumpToRecheck(w, config, RuleChain.Forward);
        w.Line(2, "ct state established,related counter accept");
        if (config.Protection.SynFlood.Enabled)
        {
            w.Line(2, config.Network.Ipv6Enabled
                ? "# New TCP through port forwards and from the WAN to the LAN over IPv6 (pinholes), before the rules and the accepts."
                : "# New TCP through port forwards, before the rules and the forward accept.");
        }

        SynMeter(w, config.Protection.SynFlood, "ct status dnat");
        WritePinholeSynMeter(w, config, wan, lan);
        WriteOutboundHelpers(w, config, lan);
        JumpToRules(w, config, RuleChain.Forward);
        WriteOneToOneAccept(w, config);
        w.Line(2, "ct status dnat counter jump pf_forward");
        w.Line(2, $"iifname \"{lan}\" oifname \"{wan}\" counter accept");
        WritePolicyAccept(w, config, lan);
        WriteIpv6ForwardAccepts(w, config, wan, lan);
        WritePortScanJump(w, config.Protection, lan);
        Log(w, null, config.Logging.DroppedForward, FirewallCategory.DroppedForward);
        w.Line(1, "}");
        w.Line();
        w.Line(1, "chain pf_forward {");
        w.Line(2, "ct state new meta l4proto tcp ct mark set ct original proto-dst map @pf_mark_tcp counter");
        w.Line(2, "ct state new meta l4proto udp ct mark set ct original proto-dst map @pf_mark_udp counter");
        WriteForwardHelpers(w, forwards);
        WriteUpnpMark(w, config, wan);

        w.Line(2, "ct state new ct mark vmap @pf_log");
        w.Line(2, "counter accept");
        w.Line(1, "}");
    }

    private static void Log(Writer w, string? match, FirewallLogLevel level, FirewallCategory category)
    {
        if (level == FirewallLogLevel.Off)
        {
            return;
        }

        var prefix = match is null ? string.Empty : match + " ";
        w.Line(2, $"{prefix}{LimitedLog} log prefix \"{Prefix(category)}\" level {level.ToWord()}");
    }

    private static IEnumerable<string> Protocols(PortForward forward)
    {
        if (forward.CoversTcp)
        {
            yield return "tcp";
        }

        if (forward.CoversUdp)
        {
            yield return "udp";
        }
    }

    /// <summary>Interface names go inside nft quotes; re-checked here so the compiler never emits a bad one.</summary>
    private static string Interface(string name) =>
        FieldRules.IsInterfaceName(name) ? name : throw new ArgumentException($"Invalid interface name.", nameof(name));

    private static uint ParseAddress(string text) =>
        Ipv4.TryParse(text, out var address) ? address : throw new ArgumentException("Invalid IPv4 address.", nameof(text));

    private static string Mac(string text) =>
        MacAddress.TryNormalize(text, out var mac) ? mac : throw new ArgumentException("Invalid MAC address.", nameof(text));
}

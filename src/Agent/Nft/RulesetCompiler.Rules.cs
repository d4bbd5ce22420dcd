using System.Globalization;
using System.Text;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>Traffic rules: their named counters, the <c>rules_*</c> chains and the per-rule verdict chains.</summary>
public static partial class RulesetCompiler
{
    /// <summary>Name of a rule's counter object; the runtime reads <c>list counters</c> by it.</summary>
    public static string RuleCounterName(int id) => "rule_" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Name of a rule's quota object (<c>reset quota</c> and the quota readings name it).</summary>
    public static string RuleQuotaName(int id) => "quota_" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The chain a rule jumps to when it logs or its verdict takes more than one statement.</summary>
    private static string RuleChainName(int id) => "rule_" + id.ToString(CultureInfo.InvariantCulture);

    private static string RulesChainName(RuleChain chain) => chain switch
    {
        RuleChain.Input => "rules_input",
        RuleChain.Forward => "rules_forward",
        RuleChain.Output => "rules_output",
        _ => throw new ArgumentOutOfRangeException(nameof(chain), chain, "Unknown chain."),
    };

    private static bool HasRules(GatewayConfig config, RuleChain chain) => config.Rules.Any(r => r.Enabled && r.Chain == chain);

    /// <summary>The chain established packets of <paramref name="chain"/> are rechecked in (<see cref="RecheckRules"/>).</summary>
    private static string RecheckChainName(RuleChain chain) => RulesChainName(chain) + "_recheck";

    /// <summary>Whether an accept rule marks what it admits (input and forward: output has no established accept to outlive it).</summary>
    private static bool MarksConnections(TrafficRule rule) => rule.Action == RuleAction.Accept && rule.Chain != RuleChain.Output;

    /// <summary>A drop or reject rule that established packets meet too: one without a rate (a rate is about new connections).</summary>
    private static bool IsRecheckedDeny(TrafficRule rule) => rule.Action != RuleAction.Accept && rule.Limit is null;

    /// <summary>
    /// A rule established packets must meet: a deny without a rate, or any rule with a quota (a quota counts bytes,
    /// and nearly all of a transfer's bytes travel after the first packet).
    /// </summary>
    private static bool IsRechecked(TrafficRule rule) => IsRecheckedDeny(rule) || rule.Quota is not null;

    /// <summary>
    /// The rules an established connection's packets (original direction: what the first packet looked like) meet
    /// again, so a drop or reject rule added or changed later cuts what is already open: every enabled rule up to the
    /// last drop/reject without a rate, the accepts among them kept (whatever the rate: the connection may have come
    /// in through one) so order still decides. No counters and no logs there: hits count connections, not packets.
    /// A deny there drops; the connection's ends then time out. Output has none: its packets walk the rules anyway.
    /// A rule with a quota is rechecked too, whatever its verdict, with its quota: every packet of the direction the
    /// rule matches (the original direction: the rule's addresses, ports and interfaces describe a connection's first
    /// packet, and reply packets carry them swapped, a source MAC not at all) counts against the one quota object its
    /// first packet counted into, and once an <c>until</c> quota is used up the rule stops matching established
    /// packets as it stops matching new ones, so a later drop rule cuts the transfer near the quota.
    /// Removing an accept is the other half: accepts mark their connections (<see cref="CtMarks.Rule"/>) and the
    /// agent deletes a retired rule's connections by mark (StaleConnections.Marks).
    /// </summary>
    private static List<TrafficRule> RecheckRules(GatewayConfig config, RuleChain chain)
    {
        if (chain == RuleChain.Output)
        {
            return [];
        }

        var rules = config.Rules.Where(r => r.Enabled && r.Chain == chain).ToList();
        var last = rules.FindLastIndex(IsRechecked);
        return last < 0 ? [] : [.. rules.Take(last + 1).Where(r => r.Action == RuleAction.Accept || IsRechecked(r))];
    }

    /// <summary>The line in front of a base chain's established accept that sends established packets to the recheck.</summary>
    private static void JumpToRecheck(Writer w, GatewayConfig config, RuleChain chain)
    {
        if (RecheckRules(config, chain).Count > 0)
        {
            w.Line(2, "# Connections already open meet the drop/reject rules again: a rule added later cuts them too.");
            w.Line(2, $"ct state established,related ct direction original jump {RecheckChainName(chain)}");
        }
    }

    /// <summary>
    /// One counter object per rule, disabled ones too, starting from the kernel's current values so an apply
    /// never sends <c>hits</c> backwards.
    /// </summary>
    private static void WriteRuleCounters(Writer w, GatewayConfig config)
    {
        if (config.Rules.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line(1, "# Traffic rule counters, carried over from the running table on every apply.");
        foreach (var rule in config.Rules)
        {
            // The values are spliced in by CompiledTable.Text: they are state, not structure.
            w.Counter(RuleCounterName(rule.Id), rule.Id);
        }

        if (config.Rules.Any(r => r.Quota is not null))
        {
            w.Line();
            w.Line(1, "# Rule quotas, their used bytes carried over from the running table on every apply.");
            foreach (var rule in config.Rules.Where(r => r.Quota is not null))
            {
                var quota = rule.Quota!;
                var mode = quota.Mode == QuotaMode.Over ? "over" : "until";
                w.Quota(RuleQuotaName(rule.Id), rule.Id, $"{mode} {quota.Bytes.ToString(CultureInfo.InvariantCulture)} bytes");
            }
        }
    }

    /// <summary>The <c>jump rules_*</c> line a base chain needs, if that chain has enabled rules.</summary>
    private static void JumpToRules(Writer w, GatewayConfig config, RuleChain chain)
    {
        if (HasRules(config, chain))
        {
            w.Line(2, "# Traffic rules, in order, first match wins.");
            w.Line(2, $"jump {RulesChainName(chain)}");
        }
    }

    private static void WriteOutputChain(Writer w, GatewayConfig config)
    {
        if (!HasRules(config, RuleChain.Output))
        {
            return;
        }

        w.Line();
        w.Line(1, "chain output {");
        w.Line(2, "type filter hook output priority filter; policy accept;");
        JumpToRules(w, config, RuleChain.Output);
        w.Line(1, "}");
    }

    private static void WriteRuleChains(Writer w, GatewayConfig config, RuleAccounts accounts)
    {
        var verdictChains = new List<(TrafficRule Rule, string? Log, IReadOnlyList<string> Lines)>();
        foreach (var chain in Enum.GetValues<RuleChain>())
        {
            if (!HasRules(config, chain))
            {
                continue;
            }

            w.Line();
            w.Line(1, $"chain {RulesChainName(chain)} {{");
            foreach (var rule in config.Rules.Where(r => r.Enabled && r.Chain == chain))
            {
                var family = ConfigValidator.EffectiveFamily(rule);
                var verdict = Verdicts.Lines(rule, family);
                var level = rule.LogLevel ?? FirewallLogLevel.Off;
                var log = level == FirewallLogLevel.Off
                    ? null
                    : $"{LimitedLog} log prefix \"{Prefix(FirewallCategory.Rule, rule.Id)}\" level {level.ToWord()}";
                // The quota before the counter: hits then count only what the whole rule matched.
                var counted = $"{Match(rule, family, accounts)}{QuotaMatch(rule)}counter name \"{RuleCounterName(rule.Id)}\"";
                if (MarksConnections(rule))
                {
                    // The mark goes on in the rule's own chain: a second line with the same match would spend its rate twice.
                    verdict = [$"ct mark 0 ct mark set {Hex(CtMarks.Rule(rule.Id))}", .. verdict];
                }

                if (log is null && verdict.Count == 1)
                {
                    w.Line(2, $"{counted} {verdict[0]}{NftText.Comment(rule.Name)}");
                }
                else
                {
                    // The log line's rate limit lives in the rule's own chain, so a limited log never decides the verdict.
                    w.Line(2, $"{counted} jump {RuleChainName(rule.Id)}{NftText.Comment(rule.Name)}");
                    verdictChains.Add((rule, log, verdict));
                }
            }

            w.Line(1, "}");
            WriteRecheckChain(w, config, chain);
        }

        foreach (var (rule, log, lines) in verdictChains)
        {
            w.Line();
            w.Line(1, $"chain {RuleChainName(rule.Id)} {{");
            if (log is not null)
            {
                w.Line(2, log);
            }

            foreach (var line in lines)
            {
                w.Line(2, line);
            }

            w.Line(1, "}");
        }
    }

    private static void WriteRecheckChain(Writer w, GatewayConfig config, RuleChain chain)
    {
        var rules = RecheckRules(config, chain);
        if (rules.Count == 0)
        {
            return;
        }

        w.Line();
        w.Line(1, $"chain {RecheckChainName(chain)} {{");
        foreach (var rule in rules)
        {
            var verdict = rule.Action == RuleAction.Accept ? "accept" : "drop";
            w.Line(2, $"{Match(rule, ConfigValidator.EffectiveFamily(rule), RuleAccounts.None, withLimit: false)}{QuotaMatch(rule)}{verdict}{NftText.Comment(rule.Name)}");
        }

        w.Line(1, "}");
    }

    /// <summary>The rule's quota statement followed by a space; empty without a quota.</summary>
    private static string QuotaMatch(TrafficRule rule) =>
        rule.Quota is null ? string.Empty : $"quota name \"{RuleQuotaName(rule.Id)}\" ";

    /// <summary>The rule's match, each part followed by a space; empty for a rule that matches everything.</summary>
    private static string Match(TrafficRule rule, RuleFamily family, RuleAccounts accounts, bool withLimit = true)
    {
        var match = new StringBuilder();
        if (family != RuleFamily.Any)
        {
            match.Append(family == RuleFamily.Ipv4 ? "meta nfproto ipv4 " : "meta nfproto ipv6 ");
        }

        // Numbers only: the names were resolved by the agent (RuleAccounts) and never reach the text.
        if (rule.User is not null)
        {
            match.Append(CultureInfo.InvariantCulture, $"meta skuid {accounts.UserId(rule)} ");
        }

        if (rule.Group is not null)
        {
            match.Append(CultureInfo.InvariantCulture, $"meta skgid {accounts.GroupId(rule)} ");
        }

        if (rule.InInterface is not null)
        {
            match.Append($"iifname \"{Interface(rule.InInterface)}\" ");
        }

        if (rule.OutInterface is not null)
        {
            match.Append($"oifname \"{Interface(rule.OutInterface)}\" ");
        }

        if (rule.SourceMac is not null)
        {
            match.Append($"ether saddr {Mac(rule.SourceMac)} ");
        }

        AppendAddress(match, rule.Source, "saddr", rule.Id);
        AppendAddress(match, rule.Destination, "daddr", rule.Id);
        match.Append(rule.Protocol switch
        {
            RuleProtocol.Any => string.Empty,
            RuleProtocol.Tcp => "meta l4proto tcp ",
            RuleProtocol.Udp => "meta l4proto udp ",
            RuleProtocol.TcpUdp => "meta l4proto { tcp, udp } ",
            RuleProtocol.Icmp => "meta l4proto icmp ",
            RuleProtocol.Icmpv6 => "meta l4proto ipv6-icmp ",
            _ => throw new ArgumentException($"Rule {rule.Id}: unknown protocol."),
        });
        if (rule.DestinationPort is { } port)
        {
            match.Append(CultureInfo.InvariantCulture, $"th dport {port}");
            if (rule.DestinationPortEnd is { } end && end != port)
            {
                match.Append(CultureInfo.InvariantCulture, $"-{end}");
            }

            match.Append(' ');
        }

        if (withLimit && rule.Limit is { } limit)
        {
            match.Append(CultureInfo.InvariantCulture, $"limit rate {limit.RatePerSecond}/second burst {limit.Burst} packets ");
        }

        return match.ToString();
    }

    private static void AppendAddress(StringBuilder match, string? text, string direction, int id)
    {
        if (text is null)
        {
            return;
        }

        if (!IpNetwork.TryParse(text, out var network))
        {
            throw new ArgumentException($"Rule {id}: bad {direction}.");
        }

        match.Append(network.IsIpv6 ? "ip6 " : "ip ").Append(direction).Append(' ').Append(network.Text).Append(' ');
    }
}

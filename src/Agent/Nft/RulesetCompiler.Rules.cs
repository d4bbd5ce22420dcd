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

    private static void WriteRuleChains(Writer w, GatewayConfig config)
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
                var counted = $"{Match(rule, family)}counter name \"{RuleCounterName(rule.Id)}\"";
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

    /// <summary>The rule's match, each part followed by a space; empty for a rule that matches everything.</summary>
    private static string Match(TrafficRule rule, RuleFamily family)
    {
        var match = new StringBuilder();
        if (family != RuleFamily.Any)
        {
            match.Append(family == RuleFamily.Ipv4 ? "meta nfproto ipv4 " : "meta nfproto ipv6 ");
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

        if (rule.Limit is { } limit)
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

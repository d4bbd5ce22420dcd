using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>Traffic rules and protection: every field that does not apply is an error, never silently ignored.</summary>
public static partial class ConfigValidator
{
    private const string InterfaceMessage = "An interface name: 1–15 of A–Z a–z 0–9 _ . - with an optional trailing *.";

    public static void ValidateRules(IReadOnlyList<TrafficRule?>? rules, ValidationErrors errors)
    {
        if (rules is null)
        {
            errors.Add("rules", "The list is required.");
            return;
        }

        if (rules.Count > FieldRules.MaxRules)
        {
            errors.Add("rules", $"At most {FieldRules.MaxRules} rules.");
        }

        for (var i = 0; i < rules.Count; i++)
        {
            ValidateRule(rules[i], errors, $"rules[{i}]");
        }

        CheckUniqueIds(rules.Select(r => r?.Id ?? 0).ToList(), errors, "rules");
    }

    public static void ValidateRule(TrafficRule? rule, ValidationErrors errors, string prefix = "")
    {
        if (rule is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A rule is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        if (rule.Id < 0)
        {
            errors.Add(P("id"), "Must be a positive number.");
        }

        if (!FieldRules.IsName(rule.Name))
        {
            errors.Add(P("name"), FieldRules.NameMessage);
        }

        var chainOk = Enum.IsDefined(rule.Chain);
        if (!chainOk)
        {
            errors.Add(P("chain"), "Must be input, forward or output.");
        }

        if (!Enum.IsDefined(rule.Action))
        {
            errors.Add(P("action"), "Must be accept, drop or reject.");
        }

        var family = ValidateRuleFamily(rule, errors, P);
        ValidateRuleInterfaces(rule, chainOk, errors, P);
        ValidateRuleProtocol(rule, family, errors, P);

        if (rule.SourceMac is not null)
        {
            if (!MacAddress.TryNormalize(rule.SourceMac, out var mac))
            {
                errors.Add(P("sourceMac"), "A MAC address such as aa:bb:cc:dd:ee:ff.");
            }
            else if (MacAddress.IsGroupAddress(mac))
            {
                errors.Add(P("sourceMac"), "A multicast or broadcast MAC is never a device's source address.");
            }
            else if (rule.Chain == RuleChain.Output)
            {
                errors.Add(P("sourceMac"), "Packets the router sends have no source MAC to match: use input or forward.");
            }
        }

        ValidateRejectWith(rule, family, errors, P);

        if (rule.LogLevel is { } level && !Enum.IsDefined(level))
        {
            errors.Add(P("logLevel"), "Must be null, off or a syslog level (emerg … debug).");
        }

        if (rule.Limit is { } limit)
        {
            if (limit.RatePerSecond is < 1 or > FieldRules.MaxRatePerSecond)
            {
                errors.Add(P("limit.ratePerSecond"), $"Between 1 and {FieldRules.MaxRatePerSecond}.");
            }

            if (limit.Burst is < 1 or > FieldRules.MaxBurst)
            {
                errors.Add(P("limit.burst"), $"Between 1 and {FieldRules.MaxBurst}.");
            }
        }

        ValidateRuleAccounts(rule, chainOk, errors, P);
        if (rule.Quota is { } quota)
        {
            if (quota.Bytes is < 1 or > FieldRules.MaxQuotaBytes)
            {
                errors.Add(P("quota.bytes"), $"Between 1 and {FieldRules.MaxQuotaBytes} bytes.");
            }

            if (!Enum.IsDefined(quota.Mode))
            {
                errors.Add(P("quota.mode"), "Must be until or over.");
            }
        }
    }

    /// <summary>
    /// <c>user</c> and <c>group</c>: only the router's own packets carry the sending process's account (the kernel
    /// knows the socket's owner on output only), and a name must look like an account name. Whether the router has
    /// the account is the caller's check (the web asks the system, the agent resolves it at every apply).
    /// </summary>
    private static void ValidateRuleAccounts(TrafficRule rule, bool chainOk, ValidationErrors errors, Func<string, string> p)
    {
        foreach (var (field, name) in new[] { ("user", rule.User), ("group", rule.Group) })
        {
            if (name is null)
            {
                continue;
            }

            if (!FieldRules.IsAccountName(name))
            {
                errors.Add(p(field), FieldRules.AccountNameMessage);
            }
            else if (chainOk && rule.Chain != RuleChain.Output)
            {
                errors.Add(p(field), "Only packets the router itself sends carry a user and group: use chain output.");
            }
        }
    }

    /// <summary>The family the rule's addresses and protocol pin it to (Any when nothing does); errors on conflicts.</summary>
    public static RuleFamily EffectiveFamily(TrafficRule rule)
    {
        if (rule.Family != RuleFamily.Any)
        {
            return rule.Family;
        }

        foreach (var address in new[] { rule.Source, rule.Destination })
        {
            if (IpNetwork.TryParse(address, out var network))
            {
                return network.IsIpv6 ? RuleFamily.Ipv6 : RuleFamily.Ipv4;
            }
        }

        return rule.Protocol switch
        {
            RuleProtocol.Icmp => RuleFamily.Ipv4,
            RuleProtocol.Icmpv6 => RuleFamily.Ipv6,
            _ => RuleFamily.Any,
        };
    }

    private static RuleFamily ValidateRuleFamily(TrafficRule rule, ValidationErrors errors, Func<string, string> p)
    {
        if (!Enum.IsDefined(rule.Family))
        {
            errors.Add(p("family"), "Must be any, ipv4 or ipv6.");
            return RuleFamily.Any;
        }

        var family = rule.Family;
        foreach (var (field, text) in new[] { ("source", rule.Source), ("destination", rule.Destination) })
        {
            if (text is null)
            {
                continue;
            }

            if (!IpNetwork.TryParse(text, out var network))
            {
                errors.Add(p(field), "An IPv4 or IPv6 host or network, such as 192.168.1.20, 10.0.0.0/8 or 2001:db8::/32.");
                continue;
            }

            if (!network.IsNetworkAligned)
            {
                errors.Add(p(field), $"Host bits are set; did you mean {network.NetworkText}?");
                continue;
            }

            var addressFamily = network.IsIpv6 ? RuleFamily.Ipv6 : RuleFamily.Ipv4;
            if (family == RuleFamily.Any)
            {
                family = addressFamily;
            }
            else if (family != addressFamily)
            {
                errors.Add(p(field), rule.Family == RuleFamily.Any
                    ? "Source and destination must be of the same family."
                    : $"Must be an {(rule.Family == RuleFamily.Ipv4 ? "IPv4" : "IPv6")} address: the rule's family is {(rule.Family == RuleFamily.Ipv4 ? "ipv4" : "ipv6")}.");
            }
        }

        return family;
    }

    private static void ValidateRuleInterfaces(TrafficRule rule, bool chainOk, ValidationErrors errors, Func<string, string> p)
    {
        if (rule.InInterface is not null)
        {
            if (!FieldRules.IsInterfaceName(rule.InInterface))
            {
                errors.Add(p("inInterface"), InterfaceMessage);
            }
            else if (chainOk && rule.Chain == RuleChain.Output)
            {
                errors.Add(p("inInterface"), "Packets the router sends have no input interface: use outInterface.");
            }
        }

        if (rule.OutInterface is not null)
        {
            if (!FieldRules.IsInterfaceName(rule.OutInterface))
            {
                errors.Add(p("outInterface"), InterfaceMessage);
            }
            else if (chainOk && rule.Chain == RuleChain.Input)
            {
                errors.Add(p("outInterface"), "Packets to the router itself have no output interface: use inInterface.");
            }
        }
    }

    private static void ValidateRuleProtocol(TrafficRule rule, RuleFamily family, ValidationErrors errors, Func<string, string> p)
    {
        if (!Enum.IsDefined(rule.Protocol))
        {
            errors.Add(p("protocol"), "Must be any, tcp, udp, tcp+udp, icmp or icmpv6.");
            return;
        }

        if (rule.Protocol == RuleProtocol.Icmp && family == RuleFamily.Ipv6)
        {
            errors.Add(p("protocol"), "icmp is IPv4's; an IPv6 rule uses icmpv6.");
        }
        else if (rule.Protocol == RuleProtocol.Icmpv6 && family == RuleFamily.Ipv4)
        {
            errors.Add(p("protocol"), "icmpv6 is IPv6's; an IPv4 rule uses icmp.");
        }

        if (rule.DestinationPort is { } port)
        {
            if (!rule.HasPorts)
            {
                errors.Add(p("destinationPort"), "Ports need protocol tcp, udp or tcp+udp.");
            }
            else if (!FieldRules.IsPort(port))
            {
                errors.Add(p("destinationPort"), "A port between 1 and 65535.");
            }
        }

        if (rule.DestinationPortEnd is { } end)
        {
            if (!rule.HasPorts)
            {
                errors.Add(p("destinationPortEnd"), "Ports need protocol tcp, udp or tcp+udp.");
            }
            else if (!FieldRules.IsPort(end))
            {
                errors.Add(p("destinationPortEnd"), "A port between 1 and 65535.");
            }
            else if (rule.DestinationPort is null)
            {
                errors.Add(p("destinationPortEnd"), "A range needs destinationPort as its start.");
            }
            else if (end < rule.DestinationPort)
            {
                errors.Add(p("destinationPortEnd"), "Must not be below destinationPort.");
            }
        }
    }

    private static void ValidateRejectWith(TrafficRule rule, RuleFamily family, ValidationErrors errors, Func<string, string> p)
    {
        if (rule.RejectWith is not { } with)
        {
            return;
        }

        if (!Enum.IsDefined(with))
        {
            errors.Add(p("rejectWith"), "Must be default, tcp-reset, port-unreachable, host-unreachable, net-unreachable, prot-unreachable, admin-prohibited, host-prohibited or net-prohibited.");
        }
        else if (rule.Action != RuleAction.Reject)
        {
            errors.Add(p("rejectWith"), "Only a reject rule answers: set action to reject or leave rejectWith out.");
        }
        else if (with == RejectWith.TcpReset && rule.Protocol != RuleProtocol.Tcp)
        {
            errors.Add(p("rejectWith"), "tcp-reset needs protocol tcp.");
        }
        else if (with.IsIpv4Only() && family == RuleFamily.Ipv6)
        {
            errors.Add(p("rejectWith"), "IPv6 has no such ICMP message: use admin-prohibited or port-unreachable.");
        }
    }

    public static void ValidateProtection(Protection? protection, ValidationErrors errors, string prefix = "")
    {
        if (protection is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "The protection settings are required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        if (!Enum.IsDefined(protection.WanInput))
        {
            errors.Add(P("wanInput"), "Must be drop or reject.");
        }

        if (protection.SynFlood is not { } syn)
        {
            errors.Add(P("synFlood"), "Required.");
        }
        else
        {
            CheckRate(syn.RatePerSecond, syn.Burst, "synFlood", errors, P);
        }

        if (protection.IcmpLimit is not { } icmp)
        {
            errors.Add(P("icmpLimit"), "Required.");
        }
        else
        {
            CheckRate(icmp.RatePerSecond, icmp.Burst, "icmpLimit", errors, P);
        }

        ValidatePortScan(protection.PortScan, errors, P);
    }

    private static void CheckRate(int rate, int burst, string field, ValidationErrors errors, Func<string, string> p)
    {
        if (rate is < 1 or > FieldRules.MaxRatePerSecond)
        {
            errors.Add(p($"{field}.ratePerSecond"), $"Between 1 and {FieldRules.MaxRatePerSecond}.");
        }

        if (burst is < 1 or > FieldRules.MaxBurst)
        {
            errors.Add(p($"{field}.burst"), $"Between 1 and {FieldRules.MaxBurst}.");
        }
    }
}

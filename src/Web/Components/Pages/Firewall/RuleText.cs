using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.Firewall;

/// <summary>How the panel words a rule's fields: the same words the API uses, and one line for what a rule matches.</summary>
public static class RuleText
{
    public static string Chain(RuleChain chain) => chain switch
    {
        RuleChain.Input => "input",
        RuleChain.Forward => "forward",
        _ => "output",
    };

    public static string Family(RuleFamily family) => family switch
    {
        RuleFamily.Ipv4 => "IPv4",
        RuleFamily.Ipv6 => "IPv6",
        _ => "any",
    };

    public static string Protocol(RuleProtocol protocol) => protocol switch
    {
        RuleProtocol.Tcp => "TCP",
        RuleProtocol.Udp => "UDP",
        RuleProtocol.TcpUdp => "TCP+UDP",
        RuleProtocol.Icmp => "ICMP",
        RuleProtocol.Icmpv6 => "ICMPv6",
        _ => "any",
    };

    public static string Action(RuleAction action) => action switch
    {
        RuleAction.Accept => "accept",
        RuleAction.Drop => "drop",
        _ => "reject",
    };

    public static string Reject(RejectWith with) => with switch
    {
        RejectWith.Default => "default (TCP reset, else port unreachable)",
        RejectWith.TcpReset => "tcp-reset",
        RejectWith.PortUnreachable => "port-unreachable",
        RejectWith.HostUnreachable => "host-unreachable",
        RejectWith.NetUnreachable => "net-unreachable",
        RejectWith.ProtUnreachable => "prot-unreachable",
        RejectWith.AdminProhibited => "admin-prohibited",
        RejectWith.HostProhibited => "host-prohibited",
        _ => "net-prohibited",
    };

    /// <summary>The answer's word for the grid: "default" rather than the long explanation.</summary>
    public static string RejectWord(RejectWith with) => with == RejectWith.Default ? "default" : Reject(with);

    /// <summary>Only the conditions the rule sets, e.g. "out wan0 · TCP · from 192.168.1.0/24 · port 80–90"; "everything" when none.</summary>
    public static string Match(RuleView rule)
    {
        var parts = new List<string>();
        if (rule.InInterface is { } inIf)
        {
            parts.Add($"in {inIf}");
        }

        if (rule.OutInterface is { } outIf)
        {
            parts.Add($"out {outIf}");
        }

        if (rule.Family != RuleFamily.Any)
        {
            parts.Add(Family(rule.Family));
        }

        if (rule.Protocol != RuleProtocol.Any)
        {
            parts.Add(Protocol(rule.Protocol));
        }

        if (rule.Source is { } source)
        {
            parts.Add($"from {source}");
        }

        if (rule.Destination is { } destination)
        {
            parts.Add($"to {destination}");
        }

        if (rule.DestinationPort is { } port)
        {
            parts.Add(rule.DestinationPortEnd is { } end ? $"port {port}–{end}" : $"port {port}");
        }

        if (rule.User is { } user)
        {
            parts.Add($"user {user}");
        }

        if (rule.Group is { } group)
        {
            parts.Add($"group {group}");
        }

        if (rule.Quota is { } quota)
        {
            parts.Add($"{(quota.Mode == QuotaMode.Over ? "over" : "until")} {Bytes(quota.Bytes)}");
        }

        if (rule.SourceMac is { } mac)
        {
            parts.Add($"MAC {mac}");
        }

        if (rule.Limit is { } limit)
        {
            parts.Add($"within {limit.RatePerSecond}/s burst {limit.Burst}");
        }

        return parts.Count == 0 ? "everything" : string.Join(" · ", parts);
    }

    /// <summary>"0", "999", "12,345", "1.2 M": a count that stays short as a counter grows.</summary>
    public static string Count(long value) => value switch
    {
        < 100_000 => value.ToString("N0", CultureInfo.InvariantCulture),
        < 10_000_000 => (value / 1_000d).ToString("0.#", CultureInfo.InvariantCulture) + " k",
        < 10_000_000_000 => (value / 1_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + " M",
        _ => (value / 1_000_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + " G",
    };

    /// <summary>Bytes in binary units: "512 B", "1.4 KiB", "3 MiB".</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? $"{bytes.ToString(CultureInfo.InvariantCulture)} B"
            : $"{value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}

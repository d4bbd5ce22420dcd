using Gateway.Shared.Validation;

namespace Gateway.Agent.Nft;

/// <summary>The lockdown table: what the kernel holds before setup, or when no last-good snapshot can be restored.</summary>
public static partial class RulesetCompiler
{
    /// <summary>
    /// The table applied at first boot, or at boot when no last-good snapshot can be restored. Nothing is
    /// forwarded (no NAT, no port forwards, no LAN→WAN). The router's own services answer only on links that do
    /// not carry the default route (<paramref name="uplinks"/>), and only to sources that route back out of the
    /// link they came in on: before setup there is no configured LAN to trust, so "not the uplink, and on-link"
    /// is the best stand-in. Neighbour discovery works on every link. DHCP/DHCPv6 client answers are accepted on
    /// the uplinks, so an uplink that got its address (and default route) by DHCP renews it while locked down;
    /// with no uplink at all they are accepted on every link, because then no link reaches the internet and the
    /// link that will become the uplink may still be waiting for its first lease (whose default route is what
    /// would name it). With <paramref name="firstBootLan"/> (<c>FirstBoot:LanInterface</c> before setup) only that link
    /// reaches the router's services (setup page, DHCP, DNS), whether or not any link carries a default route yet.
    /// </summary>
    public static string Lockdown(IReadOnlyCollection<string> uplinks, string? firstBootLan = null)
    {
        ArgumentNullException.ThrowIfNull(uplinks);
        var w = new Writer(1024);
        w.Line($"table inet {TableName} {{");
        w.Line(1, "comment \"Gateway: lockdown, nothing is forwarded until a configuration is applied\"");
        w.Line();
        w.Line(1, "chain input {");
        w.Line(2, "type filter hook input priority filter; policy drop;");
        w.Line(2, "iif \"lo\" counter accept");
        w.Line(2, "ct state established,related counter accept");
        w.Line(2, "ct state invalid counter drop");
        var names = uplinks.Where(FieldRules.IsInterfaceName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        WriteClientAnswers(w, names);
        if (names.Count > 0)
        {
            w.Line(2, "# Links that carry the default route: nothing arriving there reaches the router's services.");
            foreach (var name in names)
            {
                w.Line(2, $"iifname \"{name}\" counter drop");
            }
        }

        if (firstBootLan is not null && FieldRules.IsInterfaceName(firstBootLan))
        {
            w.Line(2, "# Before setup only the first-boot LAN link reaches the router (setup page, DHCP, DNS).");
            w.Line(2, $"iifname != \"{firstBootLan}\" counter drop");
        }

        w.Line(2, "# Only sources on the link they came in on (0.0.0.0 and :: are DHCP/DAD probes, link-local is on-link).");
        w.Line(2, "meta nfproto ipv4 ip saddr != 0.0.0.0 fib saddr . iif oif missing counter drop");
        w.Line(2, "meta nfproto ipv6 ip6 saddr != { ::, fe80::/10 } fib saddr . iif oif missing counter drop");
        w.Line(2, "counter accept");
        w.Line(1, "}");
        w.Line();
        w.Line(1, "chain forward {");
        w.Line(2, "type filter hook forward priority filter; policy drop;");
        w.Line(2, "counter drop");
        w.Line(1, "}");
        w.Line("}");
        return w.Build().Text();
    }
}

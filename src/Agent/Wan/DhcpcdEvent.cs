using System.Globalization;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Wan;

/// <summary>One dhcpcd hook call: its reason, link and the variables it passed.</summary>
public sealed record DhcpcdEvent(string Reason, string Interface, IReadOnlyDictionary<string, string> Values)
{
    /// <summary>Reasons that hand over a (possibly renewed) IPv4 lease.</summary>
    public static readonly IReadOnlySet<string> Bound4 = new HashSet<string>(StringComparer.Ordinal) { "BOUND", "RENEW", "REBIND", "REBOOT", "STATIC" };

    /// <summary>Reasons after which the IPv4 lease is gone.</summary>
    public static readonly IReadOnlySet<string> Lost4 = new HashSet<string>(StringComparer.Ordinal) { "EXPIRE", "NAK", "RELEASE", "STOP", "NOCARRIER", "FAIL", "DEPARTED" };

    /// <summary>Reasons that hand over a DHCPv6 reply (and with it the delegation).</summary>
    public static readonly IReadOnlySet<string> Bound6 = new HashSet<string>(StringComparer.Ordinal) { "BOUND6", "RENEW6", "REBIND6", "REBOOT6", "INFORM6" };

    /// <summary>Reasons after which the DHCPv6 lease (and the delegation) is gone.</summary>
    public static readonly IReadOnlySet<string> Lost6 = new HashSet<string>(StringComparer.Ordinal) { "EXPIRE6", "RELEASE6", "STOP6" };

    public string? Get(string key) => Values.TryGetValue(key, out var v) && v.Length > 0 ? v : null;

    /// <summary>A space-separated list value, empty when absent.</summary>
    public IReadOnlyList<string> List(string key) =>
        Get(key)?.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    // The values are the ISP's answer as dhcpcd wrote them: each one used is parsed strictly and kept in one spelling,
    // so nothing else reaches the routes, dnsmasq's upstream or the status.

    /// <summary>"a.b.c.d/len" of the new IPv4 lease, or null (also when it is not an address and a length).</summary>
    public string? NewAddress =>
        Ipv4.TryParse(Get("new_ip_address"), out var a) && Length(Get("new_subnet_cidr") ?? "32", 32) is { } l ? $"{Ipv4.Format(a)}/{l}" : null;

    /// <summary>The first delegated prefix, "2001:db8:a::/56", or null when the reply carries none or with lifetime 0.</summary>
    public string? DelegatedPrefix =>
        Ipv6.TryParse(Get("new_dhcp6_ia_pd1_prefix1"), out var p) && Length(Get("new_dhcp6_ia_pd1_prefix1_length"), 128) is { } l
        && Get("new_dhcp6_ia_pd1_prefix1_vltime") is not "0"
            ? $"{Ipv6.Format(p)}/{l}"
            : null;

    /// <summary>The first IPv4 router the lease names, or null.</summary>
    public string? Router => List("new_routers").Select(r => Ipv4.TryParse(r, out var a) ? Ipv4.Format(a) : null).FirstOrDefault(r => r is not null);

    /// <summary>The DNS servers a list value names that a resolver can use (<see cref="ConfigValidator.IsServerAddress"/>).</summary>
    public IReadOnlyList<string> Servers(string key) =>
        [.. List(key).Where(ConfigValidator.IsServerAddress).Select(s => Ipv4.TryParse(s, out var v4) ? Ipv4.Format(v4) : Ipv6.Format(Ipv6.TryParse(s, out var v6) ? v6 : 0))];

    private static int? Length(string? text, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max ? n : null;

    /// <summary>The lease time in seconds (IPv4), or null.</summary>
    public long? LeaseSeconds =>
        long.TryParse(Get("new_dhcp_lease_time"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : null;

    /// <summary>
    /// Reads one event file: <c>KEY=VALUE</c> lines as <c>env</c> prints them. Null when it has no reason or
    /// interface (not a hook call). A value is never interpreted here; callers parse what they use.
    /// </summary>
    public static DhcpcdEvent? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            values[line[..eq]] = line[(eq + 1)..].TrimEnd('\r');
        }

        return values.TryGetValue("reason", out var reason) && reason.Length > 0
            && values.TryGetValue("interface", out var link) && link.Length > 0
            ? new DhcpcdEvent(reason, link, values)
            : null;
    }
}

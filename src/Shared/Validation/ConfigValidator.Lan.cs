using System.Text.RegularExpressions;
using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>
/// DHCP, static leases and DNS for the LAN. Everything here ends up in dnsmasq's generated files, so every text is
/// held to a strict shape (DNS labels, parsed addresses): no newline, '#', ',', '=' or space can get through.
/// </summary>
public static partial class ConfigValidator
{
    public const int MaxStaticLeases = 4096;
    public const int MaxDnsHosts = 1024;
    public const int MaxUpstreamServers = 8;

    public const string HostNameMessage =
        "A host name: 1–63 letters, digits and '-', not starting or ending with '-'.";

    /// <summary>
    /// The router's own name on the LAN: dnsmasq answers it (and <c>router.&lt;domain&gt;</c>) with the LAN link's
    /// addresses, and the web accepts it as a Host, so no lease or extra name may take it.
    /// </summary>
    public const string RouterHostName = "router";

    private const string RouterNameMessage = "The router's own name on the LAN; pick another.";

    public const string DnsNameMessage =
        "A DNS name: labels of 1–63 letters, digits and '-' (not starting or ending with '-') joined by dots, at most 253 characters.";

    /// <summary>True for one DNS label (RFC 1123 host name label).</summary>
    public static bool IsHostName(string? name) => name is { Length: > 0 and <= 63 } && LabelPattern().IsMatch(name);

    /// <summary>True for a dotted DNS name of such labels ("nas", "printer.home.arpa").</summary>
    public static bool IsDnsName(string? name) =>
        name is { Length: > 0 and <= 253 } && name.Split('.').All(IsHostName);

    public static void ValidateLanServices(GatewayConfig config, ValidationErrors errors)
    {
        var network = errors.Has("network.lanAddress") ? null : config.Network;
        ValidateDhcp(config.Dhcp, network, errors, "dhcp");
        ValidateList(config.StaticLeases, MaxStaticLeases, "staticLeases", errors, (item, prefix) => ValidateStaticLease(item, network, errors, prefix));
        ValidateDns(config.Dns, errors, "dns");
        CheckRouterName(config, errors);
        if (config.StaticLeases is { } leases)
        {
            CheckUnique(leases, l => l is { Enabled: true } && MacAddress.TryNormalize(l.Mac, out var mac) ? mac : null, "staticLeases", "mac", errors);
            CheckUnique(leases, l => l is { Enabled: true } ? l.Address : null, "staticLeases", "address", errors);
            CheckUnique(leases, l => l is { Enabled: true } ? l.Name?.ToLowerInvariant() : null, "staticLeases", "name", errors);
        }
    }

    /// <summary>An extra DNS name may not be the router's, bare or under the LAN domain.</summary>
    private static void CheckRouterName(GatewayConfig config, ValidationErrors errors)
    {
        var hosts = config.Dns?.Hosts ?? [];
        var qualified = $"{RouterHostName}.{config.Dhcp?.Domain}";
        for (var i = 0; i < hosts.Count; i++)
        {
            var name = hosts[i]?.Name;
            if (string.Equals(name, RouterHostName, StringComparison.OrdinalIgnoreCase) || string.Equals(name, qualified, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"dns.hosts[{i}].name", RouterNameMessage);
            }
        }
    }

    public static void ValidateDhcp(DhcpSettings? dhcp, NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (dhcp is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "DHCP settings are required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        if (dhcp.LeaseSeconds is < DhcpSettings.MinLeaseSeconds or > DhcpSettings.MaxLeaseSeconds)
        {
            errors.Add(P("leaseSeconds"), $"Between {DhcpSettings.MinLeaseSeconds} and {DhcpSettings.MaxLeaseSeconds} seconds.");
        }

        if (!IsHostName(dhcp.Domain))
        {
            errors.Add(P("domain"), "A DNS label such as lan: 1–63 letters, digits and '-', not starting or ending with '-'.");
        }

        // A disabled DHCP may keep no range; a range given is checked all the same.
        if (!dhcp.Enabled && dhcp.RangeStart is null && dhcp.RangeEnd is null)
        {
            return;
        }

        var startOk = CheckRangeEnd(dhcp.RangeStart, network, "rangeStart", errors, P, out var start);
        var endOk = CheckRangeEnd(dhcp.RangeEnd, network, "rangeEnd", errors, P, out var end);
        if (!startOk || !endOk)
        {
            return;
        }

        if (start > end)
        {
            errors.Add(P("rangeEnd"), "Must not be below rangeStart.");
        }
        else if (network is not null && Ipv4Cidr.TryParse(network.LanAddress, false, out var lan) && lan.Address >= start && lan.Address <= end)
        {
            errors.Add(P("rangeEnd"), $"The range must not hold the router's own address {Ipv4.Format(lan.Address)}.");
        }
    }

    public static void ValidateStaticLease(StaticLease? lease, NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (lease is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A static lease is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        if (lease.Id < 0)
        {
            errors.Add(P("id"), "Must be a positive number.");
        }

        if (!IsHostName(lease.Name))
        {
            errors.Add(P("name"), HostNameMessage);
        }
        else if (string.Equals(lease.Name, RouterHostName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(P("name"), RouterNameMessage);
        }

        if (!MacAddress.TryNormalize(lease.Mac, out var mac))
        {
            errors.Add(P("mac"), "A MAC address such as aa:bb:cc:dd:ee:ff.");
        }
        else if (MacAddress.IsGroupAddress(mac))
        {
            errors.Add(P("mac"), "A multicast or broadcast MAC is never a device's address.");
        }

        CheckLanHost(lease.Address, network, "address", errors, P);
    }

    public static void ValidateDns(DnsSettings? dns, ValidationErrors errors, string prefix = "")
    {
        if (dns is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "DNS settings are required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        var upstream = dns.Upstream ?? [];
        if (upstream.Count > MaxUpstreamServers)
        {
            errors.Add(P("upstream"), $"At most {MaxUpstreamServers} servers.");
        }

        for (var i = 0; i < upstream.Count; i++)
        {
            if (!IsServerAddress(upstream[i]))
            {
                errors.Add(P($"upstream[{i}]"), "An IPv4 or IPv6 address such as 9.9.9.9 or 2620:fe::fe.");
            }
        }

        var hosts = dns.Hosts ?? [];
        if (hosts.Count > MaxDnsHosts)
        {
            errors.Add(P("hosts"), $"At most {MaxDnsHosts} names.");
        }

        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            if (host is null)
            {
                errors.Add(P($"hosts[{i}]"), "A name and an address are required.");
                continue;
            }

            if (!IsDnsName(host.Name))
            {
                errors.Add(P($"hosts[{i}].name"), DnsNameMessage);
            }

            if (!Ipv4.TryParse(host.Address, out _) && !Ipv6.TryParse(host.Address, out _))
            {
                errors.Add(P($"hosts[{i}].address"), "An IPv4 or IPv6 address.");
            }
        }
    }

    /// <summary>A unicast address a resolver can be reached at: no link-local IPv6 (it would need a zone).</summary>
    public static bool IsServerAddress(string? text) =>
        (Ipv4.TryParse(text, out var v4) && IsUsableUnicast(v4)) || (Ipv6.TryParse(text, out var v6) && v6 != UInt128.Zero && (v6 >> 118) != 0x3fa);

    private static bool CheckRangeEnd(string? text, NetworkSettings? network, string field, ValidationErrors errors, Func<string, string> p, out uint address)
    {
        CheckLanHost(text, network, field, errors, p);
        Ipv4.TryParse(text, out address);
        return !errors.Has(p(field));
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();
}

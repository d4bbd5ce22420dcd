using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>
/// The uplink. Its addresses end up in the kernel and in dhcpcd's and dnsmasq's files, so each is parsed; a wildcard
/// WAN (<c>ppp*</c>) names no one link a client or an address could go on, so it stays unmanaged.
/// </summary>
public static partial class ConfigValidator
{
    public const string WildcardWanMessage =
        "A wildcard WAN interface (such as ppp*) names no single link: only mode unmanaged is possible with it.";

    /// <param name="network">The interfaces and LAN to check against, or null when they are invalid or unknown.</param>
    public static void ValidateWan(WanSettings? wan, NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (wan is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "WAN settings are required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        if (!Enum.IsDefined(wan.Mode))
        {
            errors.Add(P("mode"), "Must be unmanaged, dhcp or static.");
        }
        else if (wan.Mode != WanMode.Unmanaged && network?.WanInterface is { } link && link.EndsWith('*'))
        {
            errors.Add(P("mode"), WildcardWanMessage);
        }

        if (!Enum.IsDefined(wan.Ipv6))
        {
            errors.Add(P("ipv6"), "Must be off or auto.");
        }
        else if (wan.Ipv6 == WanIpv6.Auto && wan.Mode == WanMode.Unmanaged)
        {
            errors.Add(P("ipv6"), "auto needs mode dhcp or static: the router's own client asks for the prefix.");
        }

        if (wan.PrefixHint is { } hint && hint is < WanSettings.MinPrefixHint or > WanSettings.MaxPrefixHint)
        {
            errors.Add(P("prefixHint"), $"A prefix length between {WanSettings.MinPrefixHint} and {WanSettings.MaxPrefixHint}.");
        }

        var isStatic = wan.Mode == WanMode.Static;
        Ipv4Cidr? address = null;
        if (wan.Address is null)
        {
            if (isStatic)
            {
                errors.Add(P("address"), "A static WAN needs its address with the prefix length, such as 203.0.113.10/24.");
            }
        }
        else if (!Ipv4Cidr.TryParse(wan.Address, allowBareAddress: false, out var cidr))
        {
            errors.Add(P("address"), "An IPv4 address with its prefix length, written address/prefix.");
        }
        else if (cidr.PrefixLength is < 8 or > 32)
        {
            errors.Add(P("address"), "The prefix length must be between 8 and 32.");
        }
        else if (cidr.PrefixLength < 31 && (cidr.Address == cidr.Network || cidr.Address == cidr.Broadcast))
        {
            errors.Add(P("address"), "The router's address can't be the network or broadcast address.");
        }
        else if (!IsUsableUnicast(cidr.Address))
        {
            errors.Add(P("address"), "Must be a unicast address (not 0/8, loopback, link-local or multicast).");
        }
        else if (network is not null && Ipv4Cidr.TryParse(network.LanAddress, false, out var lan)
            && (lan.Contains(cidr.Address) || cidr.Contains(lan.Address)))
        {
            errors.Add(P("address"), $"Must lie outside the LAN {lan.NetworkText}.");
        }
        else
        {
            address = cidr;
        }

        if (wan.Gateway is null)
        {
            if (isStatic)
            {
                errors.Add(P("gateway"), "A static WAN needs its gateway, an address in the WAN's subnet.");
            }
        }
        else if (!Ipv4.TryParse(wan.Gateway, out var gateway) || !IsUsableUnicast(gateway))
        {
            errors.Add(P("gateway"), "An IPv4 address such as 203.0.113.1.");
        }
        else if (address is { } a && (!a.Contains(gateway) || gateway == a.Address || (a.PrefixLength < 31 && (gateway == a.Network || gateway == a.Broadcast))))
        {
            errors.Add(P("gateway"), $"Must be another host in the WAN's subnet {a.NetworkText}.");
        }

        var dns = wan.Dns ?? [];
        if (dns.Count > MaxUpstreamServers)
        {
            errors.Add(P("dns"), $"At most {MaxUpstreamServers} servers.");
        }

        for (var i = 0; i < dns.Count; i++)
        {
            if (!IsServerAddress(dns[i]))
            {
                errors.Add(P($"dns[{i}]"), "An IPv4 or IPv6 address such as 9.9.9.9 or 2620:fe::fe.");
            }
        }
    }
}

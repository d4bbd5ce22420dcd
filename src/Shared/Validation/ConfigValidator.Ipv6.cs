using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>The LAN's IPv6 setting and pinholes.</summary>
public static partial class ConfigValidator
{
    public const int LanIpv6PrefixLength = 64;

    public static void ValidateLanIpv6(string? lanIpv6, ValidationErrors errors, string field)
    {
        if (lanIpv6 is null || lanIpv6 == NetworkSettings.Ipv6Auto)
        {
            return;
        }

        if (!Ipv6Cidr.TryParse(lanIpv6, allowBareAddress: false, out var cidr))
        {
            errors.Add(field, "null (IPv6 off), \"auto\", or the router's address with its /64, such as 2001:db8:1::1/64.");
        }
        else if (cidr.PrefixLength != LanIpv6PrefixLength)
        {
            errors.Add(field, "A LAN is one /64 (hosts pick their own addresses inside it): use a /64.");
        }
        else if (!IsGlobalOrUniqueLocal(cidr.Address))
        {
            errors.Add(field, "A global (2000::/3) or unique local (fc00::/7) address.");
        }
        else if (cidr.IsNetworkAligned)
        {
            errors.Add(field, "The router needs a host address inside the prefix, not the prefix itself (e.g. …::1/64).");
        }
    }

    public static void ValidatePinholes(IReadOnlyList<Pinhole?>? pinholes, ValidationErrors errors)
    {
        ValidateList(pinholes, FieldRules.MaxPinholes, "pinholes", errors, (item, prefix) => ValidatePinhole(item, errors, prefix));
    }

    public static void ValidatePinhole(Pinhole? pinhole, ValidationErrors errors, string prefix = "")
    {
        if (pinhole is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A pinhole is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);
        CheckIdAndName(pinhole.Id, pinhole.Name, errors, P);

        if (!Enum.IsDefined(pinhole.Protocol))
        {
            errors.Add(P("protocol"), "Must be tcp, udp or both.");
        }

        if (!FieldRules.IsPort(pinhole.Port))
        {
            errors.Add(P("port"), "A port between 1 and 65535.");
        }

        if (pinhole.PortEnd is { } end)
        {
            if (!FieldRules.IsPort(end))
            {
                errors.Add(P("portEnd"), "A port between 1 and 65535.");
            }
            else if (end < pinhole.Port)
            {
                errors.Add(P("portEnd"), "Must not be below port.");
            }
        }

        if ((pinhole.HostSuffix is null) == (pinhole.Mac is null))
        {
            errors.Add(P(pinhole.HostSuffix is null ? "hostSuffix" : "mac"), "Name the host by exactly one of hostSuffix (\"::10\") or mac.");
        }

        if (pinhole.HostSuffix is not null)
        {
            if (!Ipv6.TryParseSuffix(pinhole.HostSuffix, out var suffix))
            {
                errors.Add(P("hostSuffix"), Ipv6.TryParse(pinhole.HostSuffix, out _)
                    ? "Only the low 64 bits (the part after the /64 prefix): e.g. ::10."
                    : "The host's interface identifier as IPv6 text, such as ::10 or ::a00:27ff:fe4e:66a1.");
            }
            else if (suffix == 0)
            {
                errors.Add(P("hostSuffix"), "Not zero: the interface identifier of a host, e.g. ::10.");
            }
        }

        if (pinhole.Mac is not null)
        {
            if (!MacAddress.TryNormalize(pinhole.Mac, out var mac))
            {
                errors.Add(P("mac"), "A MAC address such as aa:bb:cc:dd:ee:ff.");
            }
            else if (MacAddress.IsGroupAddress(mac))
            {
                errors.Add(P("mac"), "A multicast or broadcast MAC is never a device's address.");
            }
        }

        if (pinhole.SourceCidr is not null)
        {
            if (!Ipv6Cidr.TryParse(pinhole.SourceCidr, allowBareAddress: true, out var source))
            {
                errors.Add(P("sourceCidr"), "An IPv6 address or network such as 2001:db8:99::/48.");
            }
            else if (!source.IsNetworkAligned)
            {
                errors.Add(P("sourceCidr"), $"Host bits are set; did you mean {source.NetworkText}?");
            }
        }
    }

    private static bool IsGlobalOrUniqueLocal(UInt128 address)
    {
        var top = (int)(address >> 120);
        return (top & 0xe0) == 0x20 || (top & 0xfe) == 0xfc;
    }
}

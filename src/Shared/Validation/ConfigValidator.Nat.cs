using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>1:1 NAT, redirects, policy routes and helpers.</summary>
public static partial class ConfigValidator
{
    public static void ValidateNatExtras(GatewayConfig config, ValidationErrors errors)
    {
        var network = errors.Has("network.lanAddress") ? null : config.Network;
        ValidateList(config.OneToOne, FieldRules.MaxOneToOne, "oneToOne", errors, (item, prefix) => ValidateOneToOne(item, network, errors, prefix));
        ValidateList(config.Redirects, FieldRules.MaxRedirects, "redirects", errors, (item, prefix) => ValidateRedirect(item, errors, prefix));
        ValidateList(config.PolicyRoutes, FieldRules.MaxPolicyRoutes, "policyRoutes", errors, (item, prefix) => ValidatePolicyRoute(item, network, errors, prefix));
        ValidateHelpers(config.Helpers, errors, "helpers");

        if (config.OneToOne is { } entries)
        {
            CheckUnique(entries, e => e is { Enabled: true } ? e.ExternalAddress : null, "oneToOne", "externalAddress", errors);
            CheckUnique(entries, e => e is { Enabled: true } ? e.InternalAddress : null, "oneToOne", "internalAddress", errors);
        }

        if (config.PolicyRoutes is { } routes)
        {
            CheckUnique(routes, r => r is { Enabled: true } ? r.Source : null, "policyRoutes", "source", errors);
        }
    }

    public static void ValidateOneToOne(OneToOneNat? entry, NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (entry is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A 1:1 NAT entry is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);
        CheckIdAndName(entry.Id, entry.Name, errors, P);

        if (!Ipv4.TryParse(entry.ExternalAddress, out var external) || !IsUsableUnicast(external))
        {
            errors.Add(P("externalAddress"), "A unicast IPv4 address such as 203.0.113.10.");
        }
        else if (network is not null && Ipv4Cidr.TryParse(network.LanAddress, false, out var lan) && lan.Contains(external))
        {
            errors.Add(P("externalAddress"), $"Must be outside the LAN {lan.NetworkText}: it is an address on the WAN side.");
        }

        CheckLanHost(entry.InternalAddress, network, "internalAddress", errors, P);
    }

    public static void ValidateRedirect(Redirect? redirect, ValidationErrors errors, string prefix = "")
    {
        if (redirect is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A redirect is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);
        CheckIdAndName(redirect.Id, redirect.Name, errors, P);

        if (redirect.InInterface is not null && !FieldRules.IsInterfaceName(redirect.InInterface))
        {
            errors.Add(P("inInterface"), InterfaceMessage);
        }

        if (!Enum.IsDefined(redirect.Protocol))
        {
            errors.Add(P("protocol"), "Must be tcp, udp or both.");
        }

        if (!FieldRules.IsPort(redirect.Port))
        {
            errors.Add(P("port"), "A port between 1 and 65535.");
        }

        if (redirect.PortEnd is { } end)
        {
            if (!FieldRules.IsPort(end))
            {
                errors.Add(P("portEnd"), "A port between 1 and 65535.");
            }
            else if (end < redirect.Port)
            {
                errors.Add(P("portEnd"), "Must not be below port.");
            }
        }

        if (!FieldRules.IsPort(redirect.ToPort))
        {
            errors.Add(P("toPort"), "A port between 1 and 65535.");
        }

        if (redirect.Destination is not null)
        {
            if (!Ipv4Cidr.TryParse(redirect.Destination, allowBareAddress: true, out var destination))
            {
                errors.Add(P("destination"), "An IPv4 address or network such as 203.0.113.53 or 0.0.0.0/0.");
            }
            else if (!destination.IsNetworkAligned)
            {
                errors.Add(P("destination"), $"Host bits are set; did you mean {destination.NetworkText}?");
            }
        }
    }

    public static void ValidatePolicyRoute(PolicyRoute? route, NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (route is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A policy route is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);
        CheckIdAndName(route.Id, route.Name, errors, P);

        if (!Ipv4Cidr.TryParse(route.Source, allowBareAddress: true, out var source))
        {
            errors.Add(P("source"), "A LAN host or network such as 192.168.1.20 or 192.168.1.128/25.");
        }
        else if (!source.IsNetworkAligned)
        {
            errors.Add(P("source"), $"Host bits are set; did you mean {source.NetworkText}?");
        }
        else if (network is not null && Ipv4Cidr.TryParse(network.LanAddress, false, out var lan)
                 && (source.PrefixLength < lan.PrefixLength || !lan.Contains(source.Network)))
        {
            errors.Add(P("source"), $"Must be inside the LAN {lan.NetworkText}.");
        }

        if (!FieldRules.IsInterfaceName(route.OutInterface))
        {
            errors.Add(P("outInterface"), InterfaceMessage);
        }
        else if (route.OutInterface.EndsWith('*'))
        {
            errors.Add(P("outInterface"), "A route leaves through one named link, not a wildcard.");
        }
        else if (network is not null && route.OutInterface == network.LanInterface)
        {
            errors.Add(P("outInterface"), "Must be an uplink, not the LAN.");
        }

        if (route.Gateway is not null && (!Ipv4.TryParse(route.Gateway, out var gateway) || !IsUsableUnicast(gateway)))
        {
            errors.Add(P("gateway"), "The next hop: a unicast IPv4 address such as 198.51.100.1.");
        }
    }

    public static void ValidateHelpers(HelperSettings? helpers, ValidationErrors errors, string prefix = "helpers")
    {
        if (helpers?.Outbound is not { } outbound)
        {
            errors.Add(ValidationErrors.Path(prefix, "outbound"), "The list is required.");
            return;
        }

        var seen = new HashSet<ConntrackHelper>();
        for (var i = 0; i < outbound.Count; i++)
        {
            if (!Enum.IsDefined(outbound[i]))
            {
                errors.Add($"{ValidationErrors.Path(prefix, "outbound")}[{i}]", "One of ftp, tftp, irc, sip, h323, pptp, amanda, snmp.");
            }
            else if (!seen.Add(outbound[i]))
            {
                errors.Add($"{ValidationErrors.Path(prefix, "outbound")}[{i}]", "Listed twice.");
            }
        }
    }

    /// <summary>A forward's helper must watch the forward's own transport (FTP on tcp, TFTP on udp …).</summary>
    public static void ValidateForwardHelper(PortForward forward, ValidationErrors errors, string prefix = "")
    {
        if (forward.Helper is not { } helper)
        {
            return;
        }

        if (!Enum.IsDefined(helper))
        {
            errors.Add(ValidationErrors.Path(prefix, "helper"), "Null or one of ftp, tftp, irc, sip, h323, pptp, amanda, snmp.");
        }
        else if (forward.Protocol != helper.Transport())
        {
            errors.Add(ValidationErrors.Path(prefix, "helper"), $"The {helper.ToWord()} helper needs protocol {(helper.Transport() == ForwardProtocol.Tcp ? "tcp" : "udp")}.");
        }
        else if (forward.FtpHelper && helper != ConntrackHelper.Ftp)
        {
            errors.Add(ValidationErrors.Path(prefix, "ftpHelper"), "ftpHelper is the alias of helper \"ftp\": it can't be true with another helper.");
        }
    }

    private static void CheckIdAndName(int id, string? name, ValidationErrors errors, Func<string, string> p)
    {
        if (id < 0)
        {
            errors.Add(p("id"), "Must be a positive number.");
        }

        if (!FieldRules.IsName(name))
        {
            errors.Add(p("name"), FieldRules.NameMessage);
        }
    }

    /// <summary>A host on the LAN, as forwards' internal addresses are: inside the subnet, not the router, network or broadcast.</summary>
    private static void CheckLanHost(string? text, NetworkSettings? network, string field, ValidationErrors errors, Func<string, string> p)
    {
        if (!Ipv4.TryParse(text, out var target))
        {
            errors.Add(p(field), "An IPv4 address such as 192.168.1.20.");
            return;
        }

        if (network is null || !Ipv4Cidr.TryParse(network.LanAddress, false, out var lan))
        {
            return;
        }

        if (!lan.Contains(target))
        {
            errors.Add(p(field), $"Must be inside the LAN {lan.NetworkText}.");
        }
        else if (target == lan.Address)
        {
            errors.Add(p(field), "Must not be the router itself.");
        }
        else if (target == lan.Network || target == lan.Broadcast)
        {
            errors.Add(p(field), "Must not be the network or broadcast address.");
        }
    }

    private static void ValidateList<T>(IReadOnlyList<T?>? items, int max, string list, ValidationErrors errors, Action<T?, string> validate)
        where T : class
    {
        if (items is null)
        {
            errors.Add(list, "The list is required.");
            return;
        }

        if (items.Count > max)
        {
            errors.Add(list, $"At most {max} items.");
        }

        for (var i = 0; i < items.Count; i++)
        {
            validate(items[i], $"{list}[{i}]");
        }

        CheckUniqueIds(items.Select(item => item switch
        {
            OneToOneNat e => e.Id,
            Redirect r => r.Id,
            PolicyRoute r => r.Id,
            Pinhole p => p.Id,
            StaticLease l => l.Id,
            Mirror m => m.Id,
            _ => 0,
        }).ToList(), errors, list);
    }

    private static void CheckUnique<T>(IReadOnlyList<T?> items, Func<T?, string?> key, string list, string field, ValidationErrors errors)
        where T : class
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (key(items[i]) is { } value && !seen.TryAdd(value, i))
            {
                errors.Add($"{list}[{i}].{field}", $"Used by {list}[{seen[value]}] already.");
            }
        }
    }
}

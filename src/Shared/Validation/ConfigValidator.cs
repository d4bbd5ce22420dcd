using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>
/// The one set of rules for the desired state. The web runs the item validators on each request and
/// <see cref="Validate(GatewayConfig)"/> on whole-config restores; the agent runs it on every snapshot
/// it receives, because it is the privileged side and trusts nothing.
/// Field paths are the camelCase JSON paths of the REST API.
/// </summary>
public static partial class ConfigValidator
{
    public static ValidationErrors Validate(GatewayConfig? config)
    {
        var errors = new ValidationErrors();
        if (config is null)
        {
            errors.Add("config", "The configuration is required.");
            return errors;
        }

        ValidateNetwork(config.Network, errors, "network");

        var forwards = config.PortForwards ?? [];
        if (config.PortForwards is null)
        {
            errors.Add("portForwards", "The list is required.");
        }
        else if (forwards.Count > FieldRules.MaxPortForwards)
        {
            errors.Add("portForwards", $"At most {FieldRules.MaxPortForwards} port forwards.");
        }

        var networkOk = config.Network is not null && !errors.Has("network.lanAddress");
        for (var i = 0; i < forwards.Count; i++)
        {
            ValidatePortForward(forwards[i], networkOk ? config.Network : null, errors, $"portForwards[{i}]");
        }

        CheckUniqueIds(forwards.Select(f => f?.Id ?? 0).ToList(), errors, "portForwards");
        CheckForwardOverlaps(forwards, errors);

        var macs = config.MacFilters ?? [];
        if (config.MacFilters is null)
        {
            errors.Add("macFilters", "The list is required.");
        }
        else if (macs.Count > FieldRules.MaxMacFilters)
        {
            errors.Add("macFilters", $"At most {FieldRules.MaxMacFilters} MAC filters.");
        }

        for (var i = 0; i < macs.Count; i++)
        {
            ValidateMacFilter(macs[i], errors, $"macFilters[{i}]");
        }

        CheckUniqueIds(macs.Select(m => m?.Id ?? 0).ToList(), errors, "macFilters");
        CheckDuplicateMacs(macs, errors);

        if (config.MacPolicy is null || !Enum.IsDefined(config.MacPolicy.Mode))
        {
            errors.Add("macPolicy.mode", "Must be off, deny-listed or allow-listed.");
        }
        else if (config.MacPolicy.Mode == MacFilterMode.AllowListed && !macs.Any(m => m is { Enabled: true }))
        {
            errors.Add("macPolicy.mode", AllowListLockoutMessage);
        }

        ValidateLogging(config.Logging, errors, "logging");
        ValidateRules(config.Rules, errors);
        ValidateProtection(config.Protection, errors, "protection");
        ValidateNatExtras(config, errors);
        ValidatePinholes(config.Pinholes, errors);
        ValidateLanServices(config, errors);
        ValidateUpnp(config.Upnp, config.Network, errors);
        ValidateMirrors(config.Mirrors, errors);
        ValidateWan(config.Wan, config.Network is null || errors.Has("network.wanInterface") ? null : config.Network, errors, "wan");
        return errors;
    }

    /// <summary>Allow-listing with nothing listed would drop every LAN device, the admin's included.</summary>
    public const string AllowListLockoutMessage =
        "Allow-listed with no enabled MAC filter would cut off every LAN device, this one included: list and enable at least one device first.";

    public static void ValidateNetwork(NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (network is null)
        {
            errors.Add(prefix.Length == 0 ? "network" : prefix, "The network settings are required.");
            return;
        }

        // An empty field is told it is required, by name: a format rule read against nothing only confuses.
        if (string.IsNullOrWhiteSpace(network.WanInterface))
        {
            errors.Add(ValidationErrors.Path(prefix, "wanInterface"), "The WAN interface is required.");
        }
        else if (!FieldRules.IsInterfaceName(network.WanInterface))
        {
            errors.Add(ValidationErrors.Path(prefix, "wanInterface"), "An interface name: 1–15 of A–Z a–z 0–9 _ . - with an optional trailing *.");
        }

        if (string.IsNullOrWhiteSpace(network.LanInterface))
        {
            errors.Add(ValidationErrors.Path(prefix, "lanInterface"), "The LAN interface is required.");
        }
        else if (!FieldRules.IsInterfaceName(network.LanInterface))
        {
            // No word of the WAN's wildcard here: the LAN refuses it.
            errors.Add(ValidationErrors.Path(prefix, "lanInterface"), "The LAN interface must be one link name: 1–15 of A–Z a–z 0–9 _ . -.");
        }
        else if (network.LanInterface.EndsWith('*'))
        {
            // The LAN carries the router's own address; a wildcard would make it ambiguous.
            errors.Add(ValidationErrors.Path(prefix, "lanInterface"), "The LAN interface must be one named link, not a wildcard.");
        }
        else if (string.Equals(network.LanInterface, network.WanInterface, StringComparison.Ordinal))
        {
            errors.Add(ValidationErrors.Path(prefix, "lanInterface"), "The LAN and WAN interfaces must differ.");
        }
        else if (FieldRules.IsInterfaceName(network.WanInterface) && FieldRules.InterfaceMatches(network.WanInterface, network.LanInterface))
        {
            // "br*" as WAN would also match "br-lan": the ruleset would DNAT and masquerade LAN traffic as if it
            // came from the internet and accept LAN-to-LAN forwarding as "LAN to WAN".
            errors.Add(ValidationErrors.Path(prefix, "wanInterface"), $"The WAN pattern {network.WanInterface} also matches the LAN interface.");
        }

        ValidateLanIpv6(network.LanIpv6, errors, ValidationErrors.Path(prefix, "lanIpv6"));

        if (string.IsNullOrWhiteSpace(network.LanAddress))
        {
            errors.Add(ValidationErrors.Path(prefix, "lanAddress"), "The LAN address and prefix are required.");
        }
        else if (!Ipv4Cidr.TryParse(network.LanAddress, allowBareAddress: false, out var lan))
        {
            // No fixed example: the field's hint shows one from the router's own LAN.
            errors.Add(ValidationErrors.Path(prefix, "lanAddress"), "An IPv4 address with its prefix length, written address/prefix.");
        }
        else if (lan.PrefixLength is < 8 or > 30)
        {
            errors.Add(ValidationErrors.Path(prefix, "lanAddress"), "The prefix length must be between 8 and 30.");
        }
        else if (lan.Address == lan.Network || lan.Address == lan.Broadcast)
        {
            errors.Add(ValidationErrors.Path(prefix, "lanAddress"), "The router's address can't be the network or broadcast address.");
        }
        else if (!IsUsableUnicast(lan.Address))
        {
            errors.Add(ValidationErrors.Path(prefix, "lanAddress"), "Must be a unicast address (not 0/8, loopback, link-local or multicast).");
        }
    }

    /// <param name="network">The LAN settings to check the internal address against, or null when they are invalid/unknown.</param>
    public static void ValidatePortForward(PortForward? forward, NetworkSettings? network, ValidationErrors errors, string prefix = "")
    {
        if (forward is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A port forward is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);

        if (forward.Id < 0)
        {
            errors.Add(P("id"), "Must be a positive number.");
        }

        if (!FieldRules.IsName(forward.Name))
        {
            errors.Add(P("name"), FieldRules.NameMessage);
        }

        if (!Enum.IsDefined(forward.Protocol))
        {
            errors.Add(P("protocol"), "Must be tcp, udp or both.");
        }

        if (!FieldRules.IsPort(forward.ExternalPort))
        {
            errors.Add(P("externalPort"), "A port between 1 and 65535.");
        }

        if (forward.ExternalPortEnd is { } end)
        {
            if (!FieldRules.IsPort(end))
            {
                errors.Add(P("externalPortEnd"), "A port between 1 and 65535.");
            }
            else if (end < forward.ExternalPort)
            {
                errors.Add(P("externalPortEnd"), "Must not be below externalPort.");
            }
            else if (end - forward.ExternalPort + 1 > FieldRules.MaxPortRange)
            {
                errors.Add(P("externalPortEnd"), $"A range covers at most {FieldRules.MaxPortRange} ports.");
            }
        }

        if (forward.InternalPort is { } internalPort)
        {
            if (!FieldRules.IsPort(internalPort))
            {
                errors.Add(P("internalPort"), "A port between 1 and 65535.");
            }
            else if (FieldRules.IsPort(forward.ExternalPort) && internalPort + (forward.ExternalLast - forward.ExternalPort) > 65535)
            {
                errors.Add(P("internalPort"), "The internal range would run past port 65535.");
            }
        }

        if (!Ipv4.TryParse(forward.InternalAddress, out var target))
        {
            errors.Add(P("internalAddress"), "An IPv4 address such as 192.168.1.20.");
        }
        else if (network is not null && Ipv4Cidr.TryParse(network.LanAddress, false, out var lan))
        {
            if (!lan.Contains(target))
            {
                errors.Add(P("internalAddress"), $"Must be inside the LAN {lan.NetworkText}.");
            }
            else if (target == lan.Address)
            {
                errors.Add(P("internalAddress"), "Must not be the router itself.");
            }
            else if (target == lan.Network || target == lan.Broadcast)
            {
                errors.Add(P("internalAddress"), "Must not be the network or broadcast address.");
            }
        }

        if (forward.SourceCidr is not null)
        {
            if (!Ipv4Cidr.TryParse(forward.SourceCidr, allowBareAddress: true, out var source))
            {
                errors.Add(P("sourceCidr"), "An IPv4 address or network such as 203.0.113.0/24.");
            }
            else if (!source.IsNetworkAligned)
            {
                errors.Add(P("sourceCidr"), $"Host bits are set; did you mean {source.NetworkText}?");
            }
        }

        if (forward.FtpHelper && forward.Protocol != ForwardProtocol.Tcp)
        {
            errors.Add(P("ftpHelper"), "The FTP helper needs protocol tcp.");
        }

        ValidateForwardHelper(forward, errors, prefix);

        if (forward.LogLevel is { } level && !Enum.IsDefined(level))
        {
            errors.Add(P("logLevel"), "Must be null, off or a syslog level (emerg … debug).");
        }
    }

    public static void ValidateMacFilter(MacFilter? filter, ValidationErrors errors, string prefix = "")
    {
        if (filter is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A MAC filter is required.");
            return;
        }

        if (filter.Id < 0)
        {
            errors.Add(ValidationErrors.Path(prefix, "id"), "Must be a positive number.");
        }

        if (!MacAddress.TryNormalize(filter.Mac, out var mac))
        {
            errors.Add(ValidationErrors.Path(prefix, "mac"), "A MAC address such as aa:bb:cc:dd:ee:ff.");
        }
        else if (MacAddress.IsGroupAddress(mac))
        {
            errors.Add(ValidationErrors.Path(prefix, "mac"), "A multicast or broadcast MAC is never a device's source address.");
        }

        if (!FieldRules.IsName(filter.Name))
        {
            errors.Add(ValidationErrors.Path(prefix, "name"), FieldRules.NameMessage);
        }
    }

    public static void ValidateLogging(LoggingPolicy? logging, ValidationErrors errors, string prefix = "")
    {
        if (logging is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "The logging policy is required.");
            return;
        }

        const string levelMessage = "Must be off or a syslog level (emerg, alert, crit, err, warn, notice, info, debug).";
        if (!Enum.IsDefined(logging.DroppedInput))
        {
            errors.Add(ValidationErrors.Path(prefix, "droppedInput"), levelMessage);
        }

        if (!Enum.IsDefined(logging.DroppedForward))
        {
            errors.Add(ValidationErrors.Path(prefix, "droppedForward"), levelMessage);
        }

        if (!Enum.IsDefined(logging.PortForwards))
        {
            errors.Add(ValidationErrors.Path(prefix, "portForwards"), levelMessage);
        }

        if (!Enum.IsDefined(logging.MacFilter))
        {
            errors.Add(ValidationErrors.Path(prefix, "macFilter"), levelMessage);
        }

        if (!Enum.IsDefined(logging.Dos))
        {
            errors.Add(ValidationErrors.Path(prefix, "dos"), levelMessage);
        }

        if (logging.RatePerMinute is < 1 or > FieldRules.MaxRatePerMinute)
        {
            errors.Add(ValidationErrors.Path(prefix, "ratePerMinute"), $"Between 1 and {FieldRules.MaxRatePerMinute}.");
        }

        if (logging.Burst is < 1 or > FieldRules.MaxBurst)
        {
            errors.Add(ValidationErrors.Path(prefix, "burst"), $"Between 1 and {FieldRules.MaxBurst}.");
        }
    }

    /// <summary>Index of the first enabled forward that overlaps <paramref name="candidate"/>, or -1.</summary>
    public static int FindOverlap(PortForward candidate, IReadOnlyList<PortForward> others)
    {
        if (!candidate.Enabled)
        {
            return -1;
        }

        for (var i = 0; i < others.Count; i++)
        {
            var other = others[i];
            if (other.Enabled && other.Id != candidate.Id && candidate.OverlapsWith(other))
            {
                return i;
            }
        }

        return -1;
    }

    private static void CheckForwardOverlaps(IReadOnlyList<PortForward?> forwards, ValidationErrors errors)
    {
        // Sort by start port so each enabled forward is compared only with neighbours that can still overlap.
        var enabled = forwards
            .Select((forward, index) => (forward, index))
            .Where(x => x.forward is { Enabled: true } f && FieldRules.IsPort(f.ExternalPort) && f.ExternalLast >= f.ExternalPort)
            .OrderBy(x => x.forward!.ExternalPort)
            .ToList();
        for (var i = 0; i < enabled.Count; i++)
        {
            var (a, ai) = enabled[i];
            for (var j = i + 1; j < enabled.Count && enabled[j].forward!.ExternalPort <= a!.ExternalLast; j++)
            {
                var (b, bi) = enabled[j];
                if (a.OverlapsWith(b!))
                {
                    errors.Add($"portForwards[{Math.Max(ai, bi)}].externalPort", $"Overlaps the enabled forward at portForwards[{Math.Min(ai, bi)}] on the same protocol.");
                }
            }
        }
    }

    private static void CheckDuplicateMacs(IReadOnlyList<MacFilter?> filters, ValidationErrors errors)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < filters.Count; i++)
        {
            if (filters[i] is { } filter && MacAddress.TryNormalize(filter.Mac, out var mac) && !seen.TryAdd(mac, i))
            {
                errors.Add($"macFilters[{i}].mac", $"Duplicates macFilters[{seen[mac]}].");
            }
        }
    }

    private static void CheckUniqueIds(IReadOnlyList<int> ids, ValidationErrors errors, string list)
    {
        var seen = new HashSet<int>();
        for (var i = 0; i < ids.Count; i++)
        {
            // Id 0 means "not yet assigned" (a restore may omit ids); only real ids must be unique.
            if (ids[i] > 0 && !seen.Add(ids[i]))
            {
                errors.Add($"{list}[{i}].id", "Duplicate id.");
            }
        }
    }

    private static bool IsUsableUnicast(uint address)
    {
        var first = address >> 24;
        return first != 0 && first != 127 && first < 224 && (address >> 16) != 0xA9FE;
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// The body of PUT /api/v1/config (and of the panel's restore). Every part is read through an input record, so a field
/// left out is reported (<c>macPolicy.mode</c>, a rule without <c>action</c>, <c>portForwards[i].externalPort</c>) or
/// takes the default its own resource documents (a forward's <c>enabled</c>: true; protection) instead of becoming a
/// zero value: a restore never weakens the firewall by omission.
/// </summary>
/// <remarks>
/// No <c>rules</c> key means no rules; no <c>protection</c> key means <see cref="Protection.Default"/>; no
/// <c>oneToOne</c>, <c>redirects</c>, <c>policyRoutes</c> or <c>pinholes</c> key means none; no <c>helpers</c> key means no
/// outbound helpers; no <c>network.lanIpv6</c> means IPv6 off on the LAN (the closed state); no <c>dhcp</c> or <c>dns</c>
/// means that service off and no <c>staticLeases</c> none (a backup from before the router served the LAN); no <c>wan</c>
/// means an unmanaged uplink; no <c>mirrors</c> means none.
/// </remarks>
public sealed record ConfigInput(
    NetworkInput? Network,
    IReadOnlyList<ConfigItem<PortForwardInput>?>? PortForwards,
    IReadOnlyList<ConfigItem<MacFilterInput>?>? MacFilters,
    MacPolicyInput? MacPolicy,
    LoggingInput? Logging,
    IReadOnlyList<ConfigItem<RuleInput>?>? Rules,
    ProtectionInput? Protection,
    IReadOnlyList<ConfigItem<OneToOneInput>?>? OneToOne = null,
    IReadOnlyList<ConfigItem<RedirectInput>?>? Redirects = null,
    IReadOnlyList<ConfigItem<PolicyRouteInput>?>? PolicyRoutes = null,
    HelpersInput? Helpers = null,
    IReadOnlyList<ConfigItem<PinholeInput>?>? Pinholes = null,
    DhcpInput? Dhcp = null,
    IReadOnlyList<ConfigItem<StaticLeaseInput>?>? StaticLeases = null,
    DnsInput? Dns = null,
    UpnpInput? Upnp = null,
    WanInput? Wan = null,
    IReadOnlyList<ConfigItem<MirrorInput>?>? Mirrors = null)
{
    /// <summary>
    /// The config to validate, with the items read through input records converted one by one: <see cref="ConfigRead"/>
    /// holds null where an item lacks a required field (reported in <paramref name="errors"/> under e.g. <c>redirects[i]</c>),
    /// and the config holds only the complete ones.
    /// </summary>
    public ConfigRead ToConfig(ValidationErrors errors)
    {
        var forwards = Convert(PortForwards, "portForwards", "A port forward is required.", errors, (item, prefix) => item.Input.ToPortForward(item.Id ?? 0, errors, prefix));
        var macFilters = Convert(MacFilters, "macFilters", "A MAC filter is required.", errors, (item, prefix) => item.Input.ToMacFilter(item.Id ?? 0, errors, prefix));
        var rules = Convert(Rules, "rules", "A rule is required.", errors, (item, prefix) => item.Input.ToRule(item.Id ?? 0, errors, prefix));
        var oneToOne = Convert(OneToOne, "oneToOne", "A 1:1 NAT entry is required.", errors, (item, prefix) => item.Input.ToEntry(item.Id ?? 0, errors, prefix));
        var redirects = Convert(Redirects, "redirects", "A redirect is required.", errors, (item, prefix) => item.Input.ToRedirect(item.Id ?? 0, errors, prefix));
        var routes = Convert(PolicyRoutes, "policyRoutes", "A policy route is required.", errors, (item, prefix) => item.Input.ToRoute(item.Id ?? 0, errors, prefix));
        var pinholes = Convert(Pinholes, "pinholes", "A pinhole is required.", errors, (item, prefix) => item.Input.ToPinhole(item.Id ?? 0, errors, prefix));
        var mirrors = Convert(Mirrors, "mirrors", "A mirror is required.", errors, (item, prefix) => item.Input.ToMirror(item.Id ?? 0, errors, prefix));
        var leases = Convert(StaticLeases, "staticLeases", "A static lease is required.", errors, (item, prefix) => item.Input.ToLease(item.Id ?? 0, errors, prefix));

        // A missing member stays null so the validator names it; a member missing a field holds a placeholder there
        // (reported above, and the caller drops the placeholder's own rule errors).
        var mode = MacPolicy?.Mode;
        if (MacPolicy is not null && mode is null)
        {
            errors.Add("macPolicy.mode", "Required.");
        }

        var config = new GatewayConfig(
            Network?.ToSettings(errors, "network")!,
            PortForwards is null ? null! : forwards.OfType<PortForward>().ToList(),
            MacFilters is null ? null! : macFilters.OfType<MacFilter>().ToList(),
            MacPolicy is null ? null! : new MacPolicy(mode ?? MacFilterMode.Off),
            Logging?.ToPolicy(errors, "logging")!,
            rules.OfType<TrafficRule>().ToList(),
            Protection?.ToProtection() ?? Shared.Config.Protection.Default,
            oneToOne.OfType<OneToOneNat>().ToList(),
            redirects.OfType<Redirect>().ToList(),
            routes.OfType<PolicyRoute>().ToList(),
            Helpers?.ToSettings() ?? HelperSettings.Default,
            pinholes.OfType<Pinhole>().ToList(),
            // Absent means off, not the fresh-setup defaults: a backup from before the router served DHCP, restored
            // onto a LAN that has a DHCP server of its own, must not start a second one.
            Dhcp?.ToSettings(Network?.LanAddress) ?? DhcpSettings.Off,
            leases.OfType<StaticLease>().ToList(),
            Dns?.ToSettings() ?? DnsSettings.Off,
            // Absent means off: a backup from before UPnP existed opens no ports.
            Upnp?.ToSettings() ?? UpnpSettings.Default,
            // Absent means unmanaged: a backup from before the router brought its uplink up leaves it to the host.
            Wan?.ToSettings() ?? WanSettings.Unmanaged,
            // Absent means none: a backup from before mirroring copies nothing.
            mirrors.OfType<Mirror>().ToList());
        return new ConfigRead(config, forwards, macFilters, rules, oneToOne, redirects, routes, pinholes, leases, mirrors);
    }

    private static List<TOut?> Convert<TIn, TOut>(
        IReadOnlyList<TIn?>? items, string list, string missing, ValidationErrors errors, Func<TIn, string, TOut?> convert)
        where TIn : class
        where TOut : class
    {
        var converted = new List<TOut?>(items?.Count ?? 0);
        for (var i = 0; i < (items?.Count ?? 0); i++)
        {
            var prefix = $"{list}[{i}]";
            if (items![i] is not { } item)
            {
                errors.Add(prefix, missing);
                converted.Add(null);
                continue;
            }

            converted.Add(convert(item, prefix));
        }

        return converted;
    }
}

/// <summary>A restore as read: the config of complete items, and each list as sent with null where an item was incomplete.</summary>
public sealed record ConfigRead(
    GatewayConfig Config,
    IReadOnlyList<PortForward?> PortForwards,
    IReadOnlyList<MacFilter?> MacFilters,
    IReadOnlyList<TrafficRule?> Rules,
    IReadOnlyList<OneToOneNat?> OneToOne,
    IReadOnlyList<Redirect?> Redirects,
    IReadOnlyList<PolicyRoute?> PolicyRoutes,
    IReadOnlyList<Pinhole?> Pinholes,
    IReadOnlyList<StaticLease?> StaticLeases,
    IReadOnlyList<Mirror?>? Mirrors = null);

using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;

namespace Gateway.Web.Components.Shared;

/// <summary>
/// The uplink as the panel edits it (the wizard's WAN step and Settings): text fields, turned into the same
/// <see cref="WanInput"/> a PUT /api/v1/wan carries, so the shared validator words every refusal.
/// </summary>
public sealed class WanModel
{
    public WanMode Mode { get; set; }

    public string Address { get; set; } = "";

    public string Gateway { get; set; } = "";

    /// <summary>Static mode's DNS servers, separated by commas or spaces.</summary>
    public string Dns { get; set; } = "";

    /// <summary>ipv6 auto: SLAAC on the WAN and a delegated prefix for the LAN.</summary>
    public bool Ipv6 { get; set; }

    public string PrefixHint { get; set; } = "";

    public static WanModel From(WanSettings wan) => new()
    {
        Mode = wan.Mode,
        Address = wan.Address ?? "",
        Gateway = wan.Gateway ?? "",
        Dns = string.Join(", ", wan.Dns),
        Ipv6 = wan.Ipv6 == WanIpv6.Auto,
        PrefixHint = wan.PrefixHint?.ToString(CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>
    /// The mode a new WAN link starts with: DHCP when the chosen link carries no IPv4 address yet (nothing else
    /// would bring it up), else unmanaged (the host's networking already does). A wildcard is always unmanaged.
    /// </summary>
    public static WanMode Suggested(string? wanInterface, IReadOnlyList<LinkInfo>? links)
    {
        if (string.IsNullOrWhiteSpace(wanInterface) || wanInterface.EndsWith('*') || links is null)
        {
            return WanMode.Unmanaged;
        }

        var link = links.FirstOrDefault(l => l.Name == wanInterface.Trim());
        return link is not null && !link.Addresses.Any(a => !a.Contains(':', StringComparison.Ordinal)) ? WanMode.Dhcp : WanMode.Unmanaged;
    }

    public WanInput ToInput()
    {
        var isStatic = Mode == WanMode.Static;
        // Text that is no number becomes 0, which the validator refuses with the range in its words.
        int? hint = PrefixHint.Trim().Length == 0 ? null : int.TryParse(PrefixHint.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new WanInput(
            Mode,
            isStatic ? Blank(Address) : null,
            isStatic ? Blank(Gateway) : null,
            isStatic ? Dns.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            Ipv6 && Mode != WanMode.Unmanaged ? WanIpv6.Auto : WanIpv6.Off,
            Ipv6 && Mode != WanMode.Unmanaged ? hint : null);
    }

    private static string? Blank(string text) => text.Trim().Length == 0 ? null : text.Trim();
}

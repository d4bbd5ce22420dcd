using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Gateway.Web.Components.Pages.Nat;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.Pinholes;

/// <summary>How the form names the pinhole's host: by the low 64 bits of its address, or by its MAC.</summary>
public enum PinholeHostBy
{
    Suffix,
    Mac,
}

/// <summary>
/// The pinhole form's fields. Property names follow the service's error keys (hostSuffix → HostSuffix) so
/// <see cref="Shared.ServerValidator"/> puts each error beside its field; ports are text so that "abc" is a field
/// error, not a dropped value. Only the host field the radio names is sent.
/// </summary>
public sealed class PinholeFormModel
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public ForwardProtocol Protocol { get; set; } = ForwardProtocol.Tcp;

    public string Port { get; set; } = "";

    public string PortEnd { get; set; } = "";

    public PinholeHostBy HostBy { get; set; } = PinholeHostBy.Suffix;

    public string HostSuffix { get; set; } = "";

    public string Mac { get; set; } = "";

    public string SourceCidr { get; set; } = "";

    public static PinholeFormModel From(Pinhole pinhole) => new()
    {
        Name = pinhole.Name,
        Enabled = pinhole.Enabled,
        Protocol = pinhole.Protocol,
        Port = pinhole.Port.ToString(CultureInfo.InvariantCulture),
        PortEnd = pinhole.PortEnd?.ToString(CultureInfo.InvariantCulture) ?? "",
        HostBy = pinhole.Mac is null ? PinholeHostBy.Suffix : PinholeHostBy.Mac,
        HostSuffix = pinhole.HostSuffix ?? "",
        Mac = pinhole.Mac ?? "",
        SourceCidr = pinhole.SourceCidr ?? "",
    };

    /// <summary>A device picked from the neighbour table: the host is named by its MAC from now on.</summary>
    public void UseDevice(string mac)
    {
        HostBy = PinholeHostBy.Mac;
        Mac = mac;
    }

    /// <summary>The service input, or every field error that can be told here (bad numbers, and what is missing).</summary>
    public (PinholeInput? Input, IReadOnlyDictionary<string, string[]> Errors) ToInput()
    {
        var local = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var port = NatText.Port(Port, "port", local);
        var portEnd = NatText.Port(PortEnd, "portEnd", local);
        var input = new PinholeInput(
            NatText.OrNull(Name),
            Enabled,
            Protocol,
            port,
            portEnd,
            HostBy == PinholeHostBy.Suffix ? NatText.OrNull(HostSuffix) : null,
            HostBy == PinholeHostBy.Mac ? NatText.OrNull(Mac) : null,
            NatText.OrNull(SourceCidr));
        // With the host named by MAC, "missing" belongs beside the MAC field, not the hidden suffix one.
        if (HostBy == PinholeHostBy.Mac && input.Mac is null)
        {
            local["mac"] = ["Required: the device's MAC, or pick a device below."];
        }

        if (local.Count == 0)
        {
            return (input, local);
        }

        var missing = new ValidationErrors();
        input.ToPinhole(0, missing);
        var merged = NatText.Merge(missing.ToDictionary(), local);
        return (null, HostBy == PinholeHostBy.Mac ? merged.Where(e => e.Key != "hostSuffix").ToDictionary(e => e.Key, e => e.Value) : merged);
    }

    public static PinholeInput ToInput(Pinhole pinhole, bool enabled) => PinholeInput.From(pinhole) with { Enabled = enabled };
}

/// <summary>One LAN device of the neighbour table: its MAC, its IPv6 global addresses and the link it is on.</summary>
public sealed record LanDevice(string Mac, IReadOnlyList<string> Addresses, string Interface)
{
    /// <summary>Devices with an IPv6 address that is not link-local, grouped by MAC, in MAC order.</summary>
    public static IReadOnlyList<LanDevice> From(IEnumerable<Neighbour> neighbours) =>
        neighbours
            .Where(n => n.Address.Contains(':', StringComparison.Ordinal) && !n.Address.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase))
            .GroupBy(n => n.Mac, StringComparer.OrdinalIgnoreCase)
            .Select(g => new LanDevice(
                g.Key.ToLowerInvariant(),
                g.Select(n => n.Address).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList(),
                g.First().Interface))
            .OrderBy(d => d.Mac, StringComparer.Ordinal)
            .ToList();
}

using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.Nat;

/// <summary>
/// The 1:1 form's fields. Property names follow the service's error keys (externalAddress → ExternalAddress) so
/// <see cref="Shared.ServerValidator"/> puts each error beside its field; empty text is sent as missing, so the
/// service says "Required." rather than judging an empty address.
/// </summary>
public sealed class OneToOneFormModel
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public string ExternalAddress { get; set; } = "";

    public string InternalAddress { get; set; } = "";

    public bool AddAddress { get; set; } = true;

    public static OneToOneFormModel From(OneToOneNat entry) => new()
    {
        Name = entry.Name,
        Enabled = entry.Enabled,
        ExternalAddress = entry.ExternalAddress,
        InternalAddress = entry.InternalAddress,
        AddAddress = entry.AddAddress,
    };

    public OneToOneInput ToInput() =>
        new(NatText.OrNull(Name), Enabled, NatText.OrNull(ExternalAddress), NatText.OrNull(InternalAddress), AddAddress);

    public static OneToOneInput ToInput(OneToOneNat entry, bool enabled) =>
        OneToOneInput.From(entry) with { Enabled = enabled };
}

/// <summary>The redirect form's fields; ports are text so that "abc" is a field error, not a dropped value.</summary>
public sealed class RedirectFormModel
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>Empty = the LAN.</summary>
    public string? InInterface { get; set; }

    public ForwardProtocol Protocol { get; set; } = ForwardProtocol.Tcp;

    public string Port { get; set; } = "";

    public string PortEnd { get; set; } = "";

    public string ToPort { get; set; } = "";

    public string Destination { get; set; } = "";

    public static RedirectFormModel From(Redirect redirect) => new()
    {
        Name = redirect.Name,
        Enabled = redirect.Enabled,
        InInterface = redirect.InInterface,
        Protocol = redirect.Protocol,
        Port = redirect.Port.ToString(CultureInfo.InvariantCulture),
        PortEnd = redirect.PortEnd?.ToString(CultureInfo.InvariantCulture) ?? "",
        ToPort = redirect.ToPort.ToString(CultureInfo.InvariantCulture),
        Destination = redirect.Destination ?? "",
    };

    /// <summary>
    /// The service input, or every field error that can be told here: text that is no number, and (beside it)
    /// what the service would call missing, so one Save shows them all.
    /// </summary>
    public (RedirectInput? Input, IReadOnlyDictionary<string, string[]> Errors) ToInput()
    {
        var local = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var port = NatText.Port(Port, "port", local);
        var portEnd = NatText.Port(PortEnd, "portEnd", local);
        var toPort = NatText.Port(ToPort, "toPort", local);
        var input = new RedirectInput(
            NatText.OrNull(Name), Enabled, NatText.OrNull(InInterface), Protocol, port, portEnd, toPort, NatText.OrNull(Destination));
        if (local.Count == 0)
        {
            return (input, local);
        }

        var missing = new ValidationErrors();
        input.ToRedirect(0, missing);
        return (null, NatText.Merge(missing.ToDictionary(), local));
    }

    public static RedirectInput ToInput(Redirect redirect, bool enabled) => RedirectInput.From(redirect) with { Enabled = enabled };
}

/// <summary>The policy route form's fields.</summary>
public sealed class PolicyRouteFormModel
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public string Source { get; set; } = "";

    public string? OutInterface { get; set; }

    public string Gateway { get; set; } = "";

    public bool Masquerade { get; set; } = true;

    public static PolicyRouteFormModel From(PolicyRoute route) => new()
    {
        Name = route.Name,
        Enabled = route.Enabled,
        Source = route.Source,
        OutInterface = route.OutInterface,
        Gateway = route.Gateway ?? "",
        Masquerade = route.Masquerade,
    };

    public PolicyRouteInput ToInput() =>
        new(NatText.OrNull(Name), Enabled, NatText.OrNull(Source), NatText.OrNull(OutInterface), NatText.OrNull(Gateway), Masquerade);

    public static PolicyRouteInput ToInput(PolicyRoute route, bool enabled) => PolicyRouteInput.From(route) with { Enabled = enabled };
}

/// <summary>Text-to-input steps the NAT forms share.</summary>
internal static class NatText
{
    public static string? OrNull(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>Empty → null (the service decides whether it was required); not a number → a field error.</summary>
    public static int? Port(string text, string key, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors[key] = ["A port between 1 and 65535."];
        return null;
    }

    /// <summary>Both maps in one; a key in <paramref name="preferred"/> wins (a bad number is not "missing").</summary>
    public static IReadOnlyDictionary<string, string[]> Merge(IReadOnlyDictionary<string, string[]> first, IReadOnlyDictionary<string, string[]> preferred)
    {
        var merged = new Dictionary<string, string[]>(first, StringComparer.Ordinal);
        foreach (var (key, messages) in preferred)
        {
            merged[key] = messages;
        }

        return merged;
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>The body of POST/PUT /api/v1/one-to-one; nullable so every missing field is a field error, not a crash.</summary>
public sealed record OneToOneInput(string? Name, bool? Enabled, string? ExternalAddress, string? InternalAddress, bool? AddAddress)
{
    /// <summary>Fills defaults (enabled, addAddress: true) and reports every missing required field.</summary>
    public OneToOneNat? ToEntry(int id, ValidationErrors errors, string prefix = "")
    {
        // '&' not '&&': every missing field is reported, not just the first.
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(ExternalAddress, "externalAddress")
            .Require(InternalAddress, "internalAddress")
            .Complete;
        return complete ? new OneToOneNat(id, Name!, Enabled ?? true, ExternalAddress!, InternalAddress!, AddAddress ?? true) : null;
    }

    public static OneToOneInput From(OneToOneNat entry) =>
        new(entry.Name, entry.Enabled, entry.ExternalAddress, entry.InternalAddress, entry.AddAddress);
}

/// <summary>The body of POST/PUT /api/v1/redirects. No <c>inInterface</c> means the LAN.</summary>
public sealed record RedirectInput(
    string? Name,
    bool? Enabled,
    string? InInterface,
    ForwardProtocol? Protocol,
    int? Port,
    int? PortEnd,
    int? ToPort,
    string? Destination)
{
    public Redirect? ToRedirect(int id, ValidationErrors errors, string prefix = "")
    {
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Protocol, "protocol")
            .Require(Port, "port")
            .Require(ToPort, "toPort")
            .Complete;
        return complete
            ? new Redirect(id, Name!, Enabled ?? true, OrNull(InInterface), Protocol!.Value, Port!.Value, PortEnd, ToPort!.Value, OrNull(Destination))
            : null;
    }

    public static RedirectInput From(Redirect redirect) => new(
        redirect.Name, redirect.Enabled, redirect.InInterface, redirect.Protocol, redirect.Port, redirect.PortEnd, redirect.ToPort, redirect.Destination);

    /// <summary>Forms send empty text for an untouched optional field; it means "not set".</summary>
    internal static string? OrNull(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>The body of POST/PUT /api/v1/policy-routes. <c>masquerade</c> defaults to true, <c>gateway</c> to none.</summary>
public sealed record PolicyRouteInput(string? Name, bool? Enabled, string? Source, string? OutInterface, string? Gateway, bool? Masquerade)
{
    public PolicyRoute? ToRoute(int id, ValidationErrors errors, string prefix = "")
    {
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Source, "source")
            .Require(OutInterface, "outInterface")
            .Complete;
        return complete
            ? new PolicyRoute(id, Name!, Enabled ?? true, Source!, OutInterface!, RedirectInput.OrNull(Gateway), Masquerade ?? true)
            : null;
    }

    public static PolicyRouteInput From(PolicyRoute route) =>
        new(route.Name, route.Enabled, route.Source, route.OutInterface, route.Gateway, route.Masquerade);
}

/// <summary>The body of PUT /api/v1/helpers: <c>outbound</c> is required (an empty list turns them all off).</summary>
public sealed record HelpersInput(IReadOnlyList<ConntrackHelper>? Outbound)
{
    /// <summary>The settings; a missing list stays null so <see cref="ConfigValidator.ValidateHelpers"/> names it.</summary>
    public HelperSettings ToSettings() => new(Outbound!);

    public static HelpersInput From(HelperSettings helpers) => new(helpers.Outbound);
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// The body of POST/PUT /api/v1/pinholes; nullable so every missing field is a field error. <c>enabled</c> defaults
/// to true. The host is named by exactly one of <c>hostSuffix</c> or <c>mac</c>; a valid suffix is stored in RFC 5952
/// text ("::a:10", lower case, zeros compressed) and a valid MAC as "aa:bb:cc:dd:ee:ff", so equal hosts compare equal.
/// </summary>
public sealed record PinholeInput(
    string? Name,
    bool? Enabled,
    ForwardProtocol? Protocol,
    int? Port,
    int? PortEnd,
    string? HostSuffix,
    string? Mac,
    string? SourceCidr)
{
    public Pinhole? ToPinhole(int id, ValidationErrors errors, string prefix = "")
    {
        var suffix = RedirectInput.OrNull(HostSuffix);
        var mac = RedirectInput.OrNull(Mac);
        // '&' not '&&': the host check runs, and reports, even when other fields are missing.
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Protocol, "protocol")
            .Require(Port, "port")
            .Complete
            & OneHost(suffix, mac, errors, prefix);
        if (!complete)
        {
            return null;
        }

        return new Pinhole(
            id,
            Name!,
            Enabled ?? true,
            Protocol!.Value,
            Port!.Value,
            PortEnd,
            suffix is not null && Ipv6.TryParseSuffix(suffix, out var parsed) ? Ipv6.Format(parsed) : suffix,
            mac is not null && MacAddress.TryNormalize(mac, out var normalized) ? normalized : mac,
            CanonicalSource(RedirectInput.OrNull(SourceCidr)));
    }

    public static PinholeInput From(Pinhole pinhole) => new(
        pinhole.Name, pinhole.Enabled, pinhole.Protocol, pinhole.Port, pinhole.PortEnd, pinhole.HostSuffix, pinhole.Mac, pinhole.SourceCidr);

    /// <summary>Neither is a missing field (named on hostSuffix, the usual one); both is ambiguous (named on mac).</summary>
    private static bool OneHost(string? suffix, string? mac, ValidationErrors errors, string prefix)
    {
        if (suffix is null && mac is null)
        {
            errors.Add(ValidationErrors.Path(prefix, "hostSuffix"), "Required: name the host by hostSuffix (\"::10\") or by mac.");
            return false;
        }

        if (suffix is not null && mac is not null)
        {
            errors.Add(ValidationErrors.Path(prefix, "mac"), "Name the host by exactly one of hostSuffix or mac, not both.");
            return false;
        }

        return true;
    }

    // A valid source is kept in canonical text; an invalid one goes on as sent, for the validator to name.
    private static string? CanonicalSource(string? source) =>
        source is not null && Ipv6Cidr.TryParse(source, allowBareAddress: true, out var cidr) && cidr.IsNetworkAligned
            ? source.Contains('/', StringComparison.Ordinal) ? cidr.ToString() : Ipv6.Format(cidr.Address)
            : source;
}

using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

public static partial class ConfigValidator
{
    public const int MaxMirrors = 64;

    private const string MirrorLinkMessage = "An interface name: 1–15 of A–Z a–z 0–9 _ . - (no wildcard: a mirror needs one link).";

    private static void ValidateMirrors(IReadOnlyList<Mirror?>? mirrors, ValidationErrors errors)
    {
        if (mirrors is null)
        {
            return;
        }

        ValidateList(mirrors, MaxMirrors, "mirrors", errors, (item, prefix) => ValidateMirror(item, errors, prefix));

        // A copy sent to a link another enabled mirror copies from would be copied again, back and forth.
        var mirrored = mirrors.Where(m => m is { Enabled: true }).Select(m => m!.Interface).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < mirrors.Count; i++)
        {
            if (mirrors[i] is { Enabled: true } mirror && mirror.ToInterface != mirror.Interface && mirrored.Contains(mirror.ToInterface))
            {
                errors.Add($"mirrors[{i}].toInterface", "Another enabled mirror copies from this link: its copies would be copied again.");
            }
        }
    }

    /// <summary>
    /// One mirror's fields. The bridge-port rule (no copies into a port of the LAN bridge while the LAN is mirrored)
    /// needs the router's links: the agent checks it (<c>MirrorTable</c>), and the web with the links the agent lists.
    /// </summary>
    public static void ValidateMirror(Mirror? mirror, ValidationErrors errors, string prefix = "")
    {
        if (mirror is null)
        {
            errors.Add(prefix.Length == 0 ? "body" : prefix, "A mirror is required.");
            return;
        }

        string P(string field) => ValidationErrors.Path(prefix, field);
        CheckIdAndName(mirror.Id, mirror.Name, errors, P);
        var linkOk = FieldRules.IsLinkName(mirror.Interface);
        if (!linkOk)
        {
            errors.Add(P("interface"), MirrorLinkMessage);
        }

        if (!FieldRules.IsLinkName(mirror.ToInterface))
        {
            errors.Add(P("toInterface"), MirrorLinkMessage);
        }
        else if (linkOk && mirror.ToInterface == mirror.Interface)
        {
            errors.Add(P("toInterface"), "Must not be the mirrored link: each copy would be copied again.");
        }

        if (!Enum.IsDefined(mirror.Direction))
        {
            errors.Add(P("direction"), "Must be in, out or both.");
        }

        CheckMirrorCidr(mirror.Source, "source", errors, P);
        CheckMirrorCidr(mirror.Destination, "destination", errors, P);
        if (IpNetwork.TryParse(mirror.Source, out var source) && IpNetwork.TryParse(mirror.Destination, out var destination) && source.IsIpv6 != destination.IsIpv6)
        {
            errors.Add(P("destination"), "Must be of the source's family (IPv4 or IPv6): no packet has one of each.");
        }
    }

    private static void CheckMirrorCidr(string? text, string field, ValidationErrors errors, Func<string, string> p)
    {
        if (text is not null && !IpNetwork.TryParse(text, out _))
        {
            errors.Add(p(field), "An IPv4 or IPv6 address or network such as 192.168.1.0/24 or 2001:db8::/64.");
        }
    }
}

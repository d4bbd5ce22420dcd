using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

/// <summary>UPnP settings: every value ends up in miniupnpd's generated file, so each is parsed, never passed on as text.</summary>
public static partial class ConfigValidator
{
    public const int MaxDeniedPortSpans = 64;

    private const string PortSpanMessage = "A port (1–65535) or a range written first-last, first not above last.";

    public static void ValidateUpnp(UpnpSettings? upnp, NetworkSettings? network, ValidationErrors errors, string prefix = "upnp")
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (upnp is null)
        {
            return;
        }

        if (upnp.Enabled && network?.WanInterface is { } wan && wan.Contains('*', StringComparison.Ordinal))
        {
            errors.Add(ValidationErrors.Path(prefix, "enabled"), "UPnP needs one WAN link by name; the WAN interface is a pattern.");
        }

        if (!PortSpan.Parse(upnp.AllowedPorts).IsValid)
        {
            errors.Add(ValidationErrors.Path(prefix, "allowedPorts"), PortSpanMessage);
        }

        var denied = upnp.DeniedPorts;
        if (denied.Count > MaxDeniedPortSpans)
        {
            errors.Add(ValidationErrors.Path(prefix, "deniedPorts"), $"At most {MaxDeniedPortSpans} entries.");
        }
        else
        {
            for (var i = 0; i < denied.Count; i++)
            {
                if (!denied[i].IsValid)
                {
                    errors.Add($"{ValidationErrors.Path(prefix, "deniedPorts")}[{i}]", PortSpanMessage);
                }
            }
        }

        if (upnp.LeaseSeconds is < UpnpSettings.MinLeaseSeconds or > UpnpSettings.MaxLeaseSeconds)
        {
            errors.Add(ValidationErrors.Path(prefix, "leaseSeconds"), $"From {UpnpSettings.MinLeaseSeconds} to {UpnpSettings.MaxLeaseSeconds} seconds (a week).");
        }
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>The body of POST/PUT /api/v1/port-forwards; nullable so a missing field is a field error, not a crash.</summary>
public sealed record PortForwardInput(
    string? Name,
    bool? Enabled,
    ForwardProtocol? Protocol,
    int? ExternalPort,
    int? ExternalPortEnd,
    string? InternalAddress,
    int? InternalPort,
    string? SourceCidr,
    bool? Reflection,
    bool? FtpHelper,
    FirewallLogLevel? LogLevel,
    ConntrackHelper? Helper = null)
{
    /// <summary>Fills defaults and reports missing required fields; the rules themselves live in <see cref="ConfigValidator"/>.</summary>
    /// <param name="stored">The forward as stored, for an update: see <see cref="ResolveHelper"/>.</param>
    public PortForward? ToPortForward(int id, ValidationErrors errors, string prefix = "", PortForward? stored = null)
    {
        var required = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Protocol, "protocol")
            .Require(ExternalPort, "externalPort")
            .Require(InternalAddress, "internalAddress");
        var complete = required.Complete;
        var (helper, contradiction) = ResolveHelper(stored);
        if (contradiction)
        {
            errors.Add(ValidationErrors.Path(prefix, "ftpHelper"), "ftpHelper is the alias of helper \"ftp\": it contradicts the helper given.");
            complete = false;
        }

        if (!required.Complete)
        {
            // Every bad field in one answer: the rules run on the fields that were sent (no LAN check: that needs the
            // address, and it comes with the complete forward).
            var standIn = Build(id, helper, Name ?? "", Protocol ?? ForwardProtocol.Tcp, ExternalPort ?? ExternalPortEnd ?? 1, InternalAddress ?? "");
            required.ValidatePresent(scratch => ConfigValidator.ValidatePortForward(standIn, null, scratch, prefix));
        }

        if (!complete)
        {
            return null;
        }

        return Build(id, helper, Name!, Protocol!.Value, ExternalPort!.Value, InternalAddress!);
    }

    private PortForward Build(int id, ConntrackHelper? helper, string name, ForwardProtocol protocol, int externalPort, string internalAddress) =>
        new(
            id,
            name,
            Enabled ?? true,
            protocol,
            externalPort,
            ExternalPortEnd,
            internalAddress,
            InternalPort,
            string.IsNullOrEmpty(SourceCidr) ? null : SourceCidr,
            Reflection ?? true,
            helper == ConntrackHelper.Ftp,
            LogLevel,
            helper);

    /// <summary>
    /// ftpHelper is helper "ftp" under its older name. Both may be sent; when they disagree on an update, the one
    /// that differs from the stored forward is what the client changed, so it wins: a script that knows only
    /// ftpHelper can read a forward, flip ftpHelper and send the whole body back (with the helper it read).
    /// Both changed, or a create that says both ways, is a contradiction.
    /// </summary>
    private (ConntrackHelper? Helper, bool Contradiction) ResolveHelper(PortForward? stored)
    {
        var agree = FtpHelper is null || Helper is null || (FtpHelper.Value == (Helper == ConntrackHelper.Ftp));
        if (agree)
        {
            return (Helper ?? (FtpHelper == true ? ConntrackHelper.Ftp : null), false);
        }

        var storedHelper = stored?.EffectiveHelper;
        var ftpChanged = stored is not null && FtpHelper != (storedHelper == ConntrackHelper.Ftp);
        var helperChanged = stored is not null && Helper != storedHelper;
        if (ftpChanged && !helperChanged)
        {
            return (FtpHelper == true ? ConntrackHelper.Ftp : null, false);
        }

        if (helperChanged && !ftpChanged)
        {
            return (Helper, false);
        }

        return (null, true);
    }

    public static PortForwardInput From(PortForward forward) => new(
        forward.Name, forward.Enabled, forward.Protocol, forward.ExternalPort, forward.ExternalPortEnd, forward.InternalAddress,
        forward.InternalPort, forward.SourceCidr, forward.Reflection, forward.FtpHelper, forward.LogLevel, forward.EffectiveHelper);
}

/// <summary>The body of POST/PUT /api/v1/mac-filters.</summary>
public sealed record MacFilterInput(string? Mac, string? Name, bool? Enabled)
{
    /// <summary>The filter with its MAC normalised, or null with field errors for missing fields.</summary>
    public MacFilter? ToMacFilter(int id, ValidationErrors errors, string prefix = "")
    {
        var required = new RequiredFields(errors, prefix).Require(Mac, "mac").Require(Name, "name");
        if (!required.Complete)
        {
            var standIn = new MacFilter(id, Mac ?? "", Name ?? "", Enabled ?? true);
            required.ValidatePresent(scratch => ConfigValidator.ValidateMacFilter(standIn, scratch, prefix));
            return null;
        }

        // Invalid MACs stay as typed so the validator reports them; valid ones are stored normalised.
        var mac = MacAddress.TryNormalize(Mac, out var normalized) ? normalized : Mac!;
        return new MacFilter(id, mac, Name!, Enabled ?? true);
    }
}

/// <summary>The body of PUT /api/v1/mac-filters/policy and <c>macPolicy</c> of a restore; nullable so a missing mode is a field error, not "off".</summary>
public sealed record MacPolicyInput(MacFilterMode? Mode);

/// <summary>The body of POST /api/v1/setup.</summary>
public sealed record SetupInput(
    string? AdminPassword, string? WanInterface, string? LanInterface, string? LanAddress, bool? Masquerade, string? LanIpv6 = null, DhcpInput? Dhcp = null, WanInput? Wan = null);

using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.PortForwards;

/// <summary>
/// The add/edit form's fields. Ports are text so that "abc" reaches the form as a field error rather
/// than being silently dropped by a number input; the service validates the numbers.
/// </summary>
public sealed class PortForwardFormModel
{
    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public ForwardProtocol Protocol { get; set; } = ForwardProtocol.Tcp;

    public string ExternalPort { get; set; } = "";

    public string ExternalPortEnd { get; set; } = "";

    public string InternalAddress { get; set; } = "";

    public string InternalPort { get; set; } = "";

    public string SourceCidr { get; set; } = "";

    public bool Reflection { get; set; } = true;

    /// <summary>"" = no helper, else a helper's word (ftp, tftp, …), as the API spells it.</summary>
    public string Helper { get; set; } = "";

    /// <summary>"" = follow the logging policy, else a level word.</summary>
    public string LogLevel { get; set; } = "";

    public static PortForwardFormModel From(PortForward forward) => new()
    {
        Name = forward.Name,
        Enabled = forward.Enabled,
        Protocol = forward.Protocol,
        ExternalPort = forward.ExternalPort.ToString(CultureInfo.InvariantCulture),
        ExternalPortEnd = forward.ExternalPortEnd?.ToString(CultureInfo.InvariantCulture) ?? "",
        InternalAddress = forward.InternalAddress,
        InternalPort = forward.InternalPort?.ToString(CultureInfo.InvariantCulture) ?? "",
        SourceCidr = forward.SourceCidr ?? "",
        Reflection = forward.Reflection,
        Helper = forward.EffectiveHelper?.ToWord() ?? "",
        LogLevel = forward.LogLevel?.ToWord() ?? "",
    };

    /// <summary>The service input, or the fields that are not even numbers (keyed like the service's errors).</summary>
    public (PortForwardInput? Input, Dictionary<string, string[]> Errors) ToInput()
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        // Every empty required field is named at once, not only the first the server would meet.
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors["name"] = ["Enter a name."];
        }

        var external = ParsePort(ExternalPort, "externalPort", required: true, errors);
        var externalEnd = ParsePort(ExternalPortEnd, "externalPortEnd", required: false, errors);
        var internalPort = ParsePort(InternalPort, "internalPort", required: false, errors);
        FirewallLogLevel? level = null;
        if (LogLevel.Length > 0 && FirewallLogLevels.TryParse(LogLevel, out var parsed))
        {
            level = parsed;
        }

        ConntrackHelper? helper = null;
        foreach (var known in ConntrackHelpers.All.Where(h => h.ToWord() == Helper))
        {
            helper = known;
        }

        if (string.IsNullOrWhiteSpace(InternalAddress))
        {
            errors["internalAddress"] = ["Enter the LAN device's address."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var input = new PortForwardInput(
            Name.Trim(),
            Enabled,
            Protocol,
            external,
            externalEnd,
            InternalAddress.Trim(),
            internalPort,
            string.IsNullOrWhiteSpace(SourceCidr) ? null : SourceCidr.Trim(),
            Reflection,
            // ftpHelper is the older name of helper "ftp": sent in agreement with the picker, never against it.
            helper == ConntrackHelper.Ftp,
            level,
            helper);
        return (input, errors);
    }

    /// <summary>
    /// The service's errors keyed for this form: the form sends ftpHelper only as the picker's alias, so what the
    /// service says about it belongs beside the Helper picker.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]>? ForTheForm(IReadOnlyDictionary<string, string[]>? errors)
    {
        if (errors is null || !errors.TryGetValue("ftpHelper", out var aliasMessages))
        {
            return errors;
        }

        var mapped = errors.Where(e => e.Key != "ftpHelper").ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var helperMessages = mapped.GetValueOrDefault("helper") ?? [];
        mapped["helper"] = [.. helperMessages, .. aliasMessages.Except(helperMessages)];
        return mapped;
    }

    public static PortForwardInput ToInput(PortForward forward, bool enabled) => new(
        forward.Name, enabled, forward.Protocol, forward.ExternalPort, forward.ExternalPortEnd, forward.InternalAddress,
        forward.InternalPort, forward.SourceCidr, forward.Reflection, forward.EffectiveHelper == ConntrackHelper.Ftp, forward.LogLevel, forward.EffectiveHelper);

    private static int? ParsePort(string text, string key, bool required, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            if (required)
            {
                errors[key] = ["Required: a port between 1 and 65535."];
            }

            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        // Too long for an int is still "a number", just out of range: let the same message apply.
        errors[key] = ["A port between 1 and 65535."];
        return null;
    }
}

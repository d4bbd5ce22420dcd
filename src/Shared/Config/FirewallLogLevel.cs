using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// A syslog level as nft's <c>log level</c> knows it, or <see cref="Off"/>.
/// Numeric values after Off are the syslog severities + 1, so a smaller value is more severe.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<FirewallLogLevel>))]
public enum FirewallLogLevel
{
    [JsonStringEnumMemberName("off")] Off = 0,
    [JsonStringEnumMemberName("emerg")] Emerg = 1,
    [JsonStringEnumMemberName("alert")] Alert = 2,
    [JsonStringEnumMemberName("crit")] Crit = 3,
    [JsonStringEnumMemberName("err")] Err = 4,
    [JsonStringEnumMemberName("warn")] Warn = 5,
    [JsonStringEnumMemberName("notice")] Notice = 6,
    [JsonStringEnumMemberName("info")] Info = 7,
    [JsonStringEnumMemberName("debug")] Debug = 8,
}

public static class FirewallLogLevels
{
    /// <summary>The word nft and the REST API use for a level ("warn", "off", ...).</summary>
    public static string ToWord(this FirewallLogLevel level) => level switch
    {
        FirewallLogLevel.Off => "off",
        FirewallLogLevel.Emerg => "emerg",
        FirewallLogLevel.Alert => "alert",
        FirewallLogLevel.Crit => "crit",
        FirewallLogLevel.Err => "err",
        FirewallLogLevel.Warn => "warn",
        FirewallLogLevel.Notice => "notice",
        FirewallLogLevel.Info => "info",
        FirewallLogLevel.Debug => "debug",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown log level."),
    };

    public static bool TryParse(string? word, out FirewallLogLevel level)
    {
        foreach (var candidate in Enum.GetValues<FirewallLogLevel>())
        {
            if (string.Equals(candidate.ToWord(), word, StringComparison.OrdinalIgnoreCase))
            {
                level = candidate;
                return true;
            }
        }

        level = FirewallLogLevel.Off;
        return false;
    }

    /// <summary>Syslog severity 0 (emerg) .. 7 (debug) for a level other than Off.</summary>
    public static int ToSyslogSeverity(this FirewallLogLevel level) =>
        level == FirewallLogLevel.Off ? throw new ArgumentOutOfRangeException(nameof(level)) : (int)level - 1;

    public static FirewallLogLevel FromSyslogSeverity(int severity) =>
        severity is >= 0 and <= 7 ? (FirewallLogLevel)(severity + 1) : throw new ArgumentOutOfRangeException(nameof(severity));
}

using Gateway.Shared.Config;

namespace Gateway.Web.Components.Shared;

/// <summary>Syslog levels as a router owner reads them: the words, not the syslog abbreviations the API uses.</summary>
public static class LevelWords
{
    public static string Label(FirewallLogLevel level) => level switch
    {
        FirewallLogLevel.Off => "Off",
        FirewallLogLevel.Emerg => "Emergency",
        FirewallLogLevel.Alert => "Alert",
        FirewallLogLevel.Crit => "Critical",
        FirewallLogLevel.Err => "Error",
        FirewallLogLevel.Warn => "Warning",
        FirewallLogLevel.Notice => "Notice",
        FirewallLogLevel.Info => "Info",
        FirewallLogLevel.Debug => "Debug",
        _ => level.ToString(),
    };
}

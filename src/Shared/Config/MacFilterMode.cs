using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>How the MAC list is used on the LAN side.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MacFilterMode>))]
public enum MacFilterMode
{
    [JsonStringEnumMemberName("off")] Off,
    /// <summary>Frames from listed (enabled) MACs are dropped.</summary>
    [JsonStringEnumMemberName("deny-listed")] DenyListed,
    /// <summary>Frames from any MAC not listed (and enabled) are dropped.</summary>
    [JsonStringEnumMemberName("allow-listed")] AllowListed,
}

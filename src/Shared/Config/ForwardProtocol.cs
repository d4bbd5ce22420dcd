using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>Transport protocol a port forward applies to.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ForwardProtocol>))]
public enum ForwardProtocol
{
    [JsonStringEnumMemberName("tcp")] Tcp,
    [JsonStringEnumMemberName("udp")] Udp,
    [JsonStringEnumMemberName("both")] Both,
}

using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// Traffic mirroring: a copy of every packet crossing <see cref="Interface"/> in <see cref="Direction"/> (optionally
/// only those from <see cref="Source"/> and/or to <see cref="Destination"/>, CIDRs of either family) leaves
/// <see cref="ToInterface"/> unchanged; the original is untouched.
/// </summary>
public sealed record Mirror(
    int Id,
    string Name,
    bool Enabled,
    string Interface,
    MirrorDirection Direction,
    string? Source,
    string? Destination,
    string ToInterface);

/// <summary>Which packets of the mirrored link are copied: arriving on it, leaving it, or both.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MirrorDirection>))]
public enum MirrorDirection
{
    [JsonStringEnumMemberName("both")] Both,
    [JsonStringEnumMemberName("in")] In,
    [JsonStringEnumMemberName("out")] Out,
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// UPnP IGD, NAT-PMP and PCP for the LAN, served by the agent's one miniupnpd. Off by default (and in a snapshot
/// without <c>upnp</c>): it lets LAN programs open ports, so the owner turns it on.
/// </summary>
/// <param name="SecureMode">A client may map ports only to its own address.</param>
/// <param name="AllowedPorts">The external ports a mapping may take, <c>"first-last"</c> or one port.</param>
/// <param name="DeniedPorts">Ports no mapping may take, as its external or its internal port (wins over allowed).</param>
/// <param name="LeaseSeconds">The longest lease a mapping gets; a client asking for more (or for "forever") gets this.</param>
public sealed record UpnpSettings(
    bool Enabled = false,
    bool SecureMode = true,
    string AllowedPorts = UpnpSettings.DefaultAllowedPorts,
    IReadOnlyList<PortSpan>? DeniedPorts = null,
    int LeaseSeconds = UpnpSettings.DefaultLeaseSeconds)
{
    public const string DefaultAllowedPorts = "1024-65535";
    public const int DefaultLeaseSeconds = 86400;
    public const int MinLeaseSeconds = 120;
    public const int MaxLeaseSeconds = 604800;

    /// <summary>FTP, telnet, MS RPC, NetBIOS, SMB and RDP: never mapped from the internet by default.</summary>
    public static IReadOnlyList<PortSpan> DefaultDeniedPorts { get; } =
        [new(21, 21), new(23, 23), new(135, 135), new(137, 139), new(445, 445), new(3389, 3389)];

    public static UpnpSettings Default { get; } = new();

    public IReadOnlyList<PortSpan> DeniedPorts { get; init; } = DeniedPorts ?? DefaultDeniedPorts;
}

/// <summary>
/// One port or an inclusive range, written in JSON as a number (<c>21</c>) or a string (<c>"137-139"</c>). A value
/// that is neither reads as <see cref="Invalid"/>, so the validator names the field instead of the reader failing
/// the whole body.
/// </summary>
[JsonConverter(typeof(PortSpanJsonConverter))]
public readonly record struct PortSpan(int First, int Last)
{
    public static PortSpan Invalid { get; } = new(-1, -1);

    public bool IsValid => First is >= 1 and <= 65535 && Last is >= 1 and <= 65535 && First <= Last;

    /// <summary>Reads <c>"21"</c> or <c>"137-139"</c> (no spaces, no signs); anything else is <see cref="Invalid"/>.</summary>
    public static PortSpan Parse(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > 11)
        {
            return Invalid;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var first = dash < 0 ? text : text[..dash];
        var last = dash < 0 ? text : text[(dash + 1)..];
        return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
            && int.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var b)
            ? new PortSpan(a, b)
            : Invalid;
    }

    public override string ToString() => First == Last
        ? First.ToString(CultureInfo.InvariantCulture)
        : $"{First.ToString(CultureInfo.InvariantCulture)}-{Last.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>A number for one port, a string for a range; what can't be read becomes <see cref="PortSpan.Invalid"/>.</summary>
public sealed class PortSpanJsonConverter : JsonConverter<PortSpan>
{
    public override PortSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt32(out var port) ? new PortSpan(port, port) : PortSpan.Invalid;
            case JsonTokenType.String:
                return PortSpan.Parse(reader.GetString());
            default:
                reader.Skip();
                return PortSpan.Invalid;
        }
    }

    public override void Write(Utf8JsonWriter writer, PortSpan value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value.First == value.Last)
        {
            writer.WriteNumberValue(value.First);
        }
        else
        {
            writer.WriteStringValue(value.ToString());
        }
    }
}

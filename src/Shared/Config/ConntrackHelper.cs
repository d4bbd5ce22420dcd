using System.Text.Json.Serialization;

namespace Gateway.Shared.Config;

/// <summary>
/// The conntrack application helpers Gateway offers (the HOWTO's application matrix): each understands one
/// protocol's control channel and opens the data connections it announces (and rewrites addresses under NAT).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConntrackHelper>))]
public enum ConntrackHelper
{
    [JsonStringEnumMemberName("ftp")] Ftp,
    [JsonStringEnumMemberName("tftp")] Tftp,
    [JsonStringEnumMemberName("irc")] Irc,
    [JsonStringEnumMemberName("sip")] Sip,
    [JsonStringEnumMemberName("h323")] H323,
    [JsonStringEnumMemberName("pptp")] Pptp,
    [JsonStringEnumMemberName("amanda")] Amanda,
    [JsonStringEnumMemberName("snmp")] Snmp,
}

public static class ConntrackHelpers
{
    public static IReadOnlyList<ConntrackHelper> All { get; } = Enum.GetValues<ConntrackHelper>();

    /// <summary>The word in the API and the kernel's helper name (<c>ct helper</c> type; H.323's is "RAS"/"Q.931" per channel, see <see cref="KernelName"/>).</summary>
    public static string ToWord(this ConntrackHelper helper) => helper switch
    {
        ConntrackHelper.Ftp => "ftp",
        ConntrackHelper.Tftp => "tftp",
        ConntrackHelper.Irc => "irc",
        ConntrackHelper.Sip => "sip",
        ConntrackHelper.H323 => "h323",
        ConntrackHelper.Pptp => "pptp",
        ConntrackHelper.Amanda => "amanda",
        ConntrackHelper.Snmp => "snmp",
        _ => throw new ArgumentOutOfRangeException(nameof(helper), helper, "Unknown helper."),
    };

    /// <summary>The helper name the kernel registers (nft <c>ct helper { type "…" }</c>): H.323's control channel is "Q.931".</summary>
    public static string KernelName(this ConntrackHelper helper) => helper switch
    {
        ConntrackHelper.H323 => "Q.931",
        _ => helper.ToWord(),
    };

    /// <summary>The transport of the control channel the helper watches.</summary>
    public static ForwardProtocol Transport(this ConntrackHelper helper) => helper switch
    {
        ConntrackHelper.Ftp or ConntrackHelper.Irc or ConntrackHelper.H323 or ConntrackHelper.Pptp => ForwardProtocol.Tcp,
        _ => ForwardProtocol.Udp,
    };

    /// <summary>The control channel's well-known port, where <c>helpers.outbound</c> assigns the helper.</summary>
    public static int WellKnownPort(this ConntrackHelper helper) => helper switch
    {
        ConntrackHelper.Ftp => 21,
        ConntrackHelper.Tftp => 69,
        ConntrackHelper.Irc => 6667,
        ConntrackHelper.Sip => 5060,
        ConntrackHelper.H323 => 1720,
        ConntrackHelper.Pptp => 1723,
        ConntrackHelper.Amanda => 10080,
        ConntrackHelper.Snmp => 161,
        _ => throw new ArgumentOutOfRangeException(nameof(helper), helper, "Unknown helper."),
    };
}

/// <summary>Helpers for connections LAN clients open to the WAN, assigned by the protocol's well-known port.</summary>
public sealed record HelperSettings(IReadOnlyList<ConntrackHelper> Outbound)
{
    public static HelperSettings Default { get; } = new([]);
}

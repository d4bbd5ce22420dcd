using Gateway.Shared.Config;

namespace Gateway.Web.Components.Pages.Nat;

/// <summary>How the NAT screens and the port forward form name protocols and helpers.</summary>
public static class NatWords
{
    public static string Protocol(ForwardProtocol protocol) => protocol switch
    {
        ForwardProtocol.Tcp => "TCP",
        ForwardProtocol.Udp => "UDP",
        _ => "TCP+UDP",
    };

    /// <summary>What the helper is for, in one line an owner recognises.</summary>
    public static string Purpose(ConntrackHelper helper) => helper switch
    {
        ConntrackHelper.Ftp => "Active FTP: the server connects back for the data",
        ConntrackHelper.Tftp => "TFTP downloads (firmware, phone provisioning)",
        ConntrackHelper.Irc => "IRC DCC file transfers and direct chats",
        ConntrackHelper.Sip => "SIP phones: lets the voice streams through",
        ConntrackHelper.H323 => "H.323 voice and video calls",
        ConntrackHelper.Pptp => "PPTP VPN: its GRE tunnel",
        ConntrackHelper.Amanda => "Amanda network backups",
        ConntrackHelper.Snmp => "Replies to SNMP queries sent to a broadcast address",
        _ => "",
    };

    /// <summary>"tftp (UDP 69)": the helper's name with the control channel it watches.</summary>
    public static string Label(ConntrackHelper helper) =>
        $"{Display(helper)} ({Protocol(helper.Transport())} {helper.WellKnownPort()})";

    public static string Display(ConntrackHelper helper) => helper switch
    {
        ConntrackHelper.H323 => "H.323",
        ConntrackHelper.Amanda => "Amanda",
        _ => helper.ToWord().ToUpperInvariant(),
    };
}

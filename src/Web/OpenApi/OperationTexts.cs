namespace Gateway.Web.OpenApi;

/// <summary>
/// Summaries for the operations whose endpoints carry none, by operation id (kept here so the endpoint files stay as
/// they are), and a description for each tag.
/// </summary>
internal static class OperationTexts
{
    private static readonly Dictionary<string, string> Summaries = new(StringComparer.Ordinal)
    {
        ["GetRuleset"] = "The nftables ruleset the agent applied, as text.",
        ["GetNetwork"] = "The WAN and LAN interfaces, the LAN address, masquerading and LAN IPv6.",
        ["ListPortForwards"] = "Every port forward.",
        ["CreatePortForward"] = "Adds a port forward (enabled and with reflection unless told otherwise).",
        ["GetPortForward"] = "One port forward.",
        ["UpdatePortForward"] = "Replaces every field of a port forward; fields left out take their defaults.",
        ["DeletePortForward"] = "Deletes a port forward.",
        ["ListMacFilters"] = "Every MAC filter entry.",
        ["CreateMacFilter"] = "Adds a MAC address to the list (enabled unless told otherwise).",
        ["GetMacFilter"] = "One MAC filter entry.",
        ["UpdateMacFilter"] = "Replaces every field of a MAC filter entry.",
        ["DeleteMacFilter"] = "Deletes a MAC filter entry.",
        ["GetMacPolicy"] = "What the MAC list does: off, deny-listed or allow-listed.",
        ["GetRule"] = "One traffic rule.",
        ["DeleteRule"] = "Deletes a traffic rule.",
        ["GetProtection"] = "The WAN protection settings: input policy, ping, SYN flood and ICMP limits, invalid packets, anti-spoofing, port-scan blocking and its live block list.",
        ["ListOneToOne"] = "Every 1:1 NAT entry.",
        ["GetOneToOneEntry"] = "One 1:1 NAT entry.",
        ["DeleteOneToOneEntry"] = "Deletes a 1:1 NAT entry.",
        ["ListRedirects"] = "Every redirect.",
        ["ListMirrors"] = "Every traffic mirror.",
        ["GetMirror"] = "One traffic mirror.",
        ["DeleteMirror"] = "Deletes a traffic mirror.",
        ["GetRedirect"] = "One redirect.",
        ["DeleteRedirect"] = "Deletes a redirect.",
        ["ListPinholes"] = "Every IPv6 pinhole.",
        ["GetPinhole"] = "One IPv6 pinhole.",
        ["DeletePinhole"] = "Deletes an IPv6 pinhole.",
        ["ListPolicyRoutes"] = "Every policy route.",
        ["GetPolicyRoute"] = "One policy route.",
        ["DeletePolicyRoute"] = "Deletes a policy route.",
        ["GetHelpers"] = "The conntrack helpers on for outbound connections.",
        ["GetDhcp"] = "DHCP on the LAN: on or off, the address range, the lease time and the local domain.",
        ["ListDhcpLeases"] = "The leases the router's DHCP server has handed out now, static ones included.",
        ["ListStaticLeases"] = "Every static DHCP lease.",
        ["GetStaticLease"] = "One static DHCP lease.",
        ["DeleteStaticLease"] = "Deletes a static DHCP lease.",
        ["GetDns"] = "The router's resolver for the LAN: on or off, upstream servers and extra local names.",
        ["GetLogging"] = "The firewall logging policy: a level per category and the rate limit.",
    };

    public static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Setup"] = "The one-shot first run: admin password and network. Open without credentials, to the LAN side only.",
        ["Agent"] = "Live data from the privileged agent: links, firewall log, connection tracking.",
        ["Status"] = "Setup state, the agent link and whether the desired revision is applied.",
        ["Tokens"] = "API tokens for scripts: created with the admin password (HTTP Basic) or the panel's cookie, shown once.",
        ["Network"] = "WAN and LAN interfaces and addresses.",
        ["Port forwards"] = "Inbound connections on WAN ports sent to a LAN host (DNAT).",
        ["MAC filters"] = "A list of LAN devices by MAC address and what the list does (deny or allow).",
        ["Traffic rules"] = "Ordered accept/drop/reject rules on the input, forward and output chains.",
        ["Protection"] = "WAN-side protection: input policy, ping, SYN flood and ICMP limits, invalid packets, anti-spoofing, port-scan blocking and its live block list.",
        ["1:1 NAT"] = "A public address mapped whole to one LAN host, both ways.",
        ["Redirects"] = "Connections to a port redirected to a port of the router itself.",
        ["Mirrors"] = "Copies of one link's packets sent out of another (traffic mirroring), the originals untouched.",
        ["Pinholes"] = "IPv6 ports opened from the WAN to a LAN host.",
        ["Policy routes"] = "LAN sources sent out through a chosen uplink.",
        ["Connections"] = "The tracked connections, one page at a time with filters, and cutting one of them.",
        ["Devices"] = "The devices seen on the LAN: names, vendors, addresses, connections and traffic per device.",
        ["DHCP"] = "Addresses for LAN devices from the router: the range, static leases and the live lease list.",
        ["DNS"] = "The router's resolver for the LAN: device names, extra local names and the upstream servers.",
        ["WAN"] = "The uplink: left to the host, or brought up by the router (DHCP, static, IPv6 prefix delegation), and its live status.",
        ["UPnP"] = "Ports LAN devices open for themselves (UPnP IGD, NAT-PMP, PCP): the settings, the live mappings, and closing one.",
        ["Helpers"] = "Conntrack helpers (ftp, sip, …) for protocols that open extra connections.",
        ["Logging"] = "Which dropped or forwarded packets the firewall logs, and how often.",
        ["Backup"] = "The whole desired state as one document: export and restore.",
        ["Apply"] = "Commit-confirmed apply: a write with ?confirm=<seconds> is undone by the agent unless kept here in time.",
    };

    public static string? Summary(string operationId) => Summaries.GetValueOrDefault(operationId);
}

using Gateway.Shared.Validation;

namespace Gateway.Web.Components.Shared;

/// <summary>
/// Example addresses for hints, taken from the router's own LAN so a 10.77.0.0/24 network is not shown 192.168.1.x
/// examples. <see cref="From"/> falls back to 192.168.1.1/24 when the LAN is unknown or not a valid CIDR.
/// </summary>
/// <param name="Router">The router's LAN address, e.g. "10.77.0.1".</param>
/// <param name="Cidr">The router's address with the prefix, e.g. "10.77.0.1/24".</param>
/// <param name="Host">A device address in the LAN that is not the router's, e.g. "10.77.0.10".</param>
/// <param name="Network">The LAN as a network, e.g. "10.77.0.0/24".</param>
public sealed record LanExamples(string Router, string Cidr, string Host, string Network)
{
    private const string Fallback = "192.168.1.1/24";

    /// <param name="lanCidr">network.lanAddress as stored ("10.77.0.1/24"), or null before setup.</param>
    public static LanExamples From(string? lanCidr)
    {
        if (!Ipv4Cidr.TryParse(lanCidr, allowBareAddress: false, out var lan) || lan.PrefixLength > 30)
        {
            Ipv4Cidr.TryParse(Fallback, allowBareAddress: false, out lan);
        }

        // A round ".10" reads as an example; on a tiny LAN take the first free address beside the router's.
        uint[] candidates = [lan.Network + 10, lan.Network + 2, lan.Network + 1];
        var host = candidates.First(a => a > lan.Network && a < lan.Broadcast && a != lan.Address);
        return new LanExamples(Ipv4.Format(lan.Address), lan.ToString(), Ipv4.Format(host), lan.NetworkText);
    }
}

using System.Globalization;

namespace Gateway.Agent.Kernel;

/// <summary>
/// Reads and writes sysctls under <c>/proc/sys</c>. The <c>net.*</c> ones belong to the network namespace of
/// the thread that opens the file, so the agent sets them for its own namespace only.
/// </summary>
public static class Sysctl
{
    /// <summary>IPv4 forwarding between links (<c>net.ipv4.ip_forward</c>).</summary>
    public const string Ipv4Forward = "net/ipv4/ip_forward";

    /// <summary>IPv6 forwarding between links (<c>net.ipv6.conf.all.forwarding</c>, which sets every link's).</summary>
    public const string Ipv6Forward = "net/ipv6/conf/all/forwarding";

    /// <summary>Whether <paramref name="link"/> accepts router advertisements (<c>net.ipv6.conf.&lt;link&gt;.accept_ra</c>).</summary>
    public static string AcceptRa(string link) => $"net/ipv6/conf/{link}/accept_ra";

    /// <summary>
    /// A forwarding host ignores router advertisements unless <c>accept_ra</c> is 2, so turning forwarding on would
    /// cost the router its own WAN autoconfiguration (address and default route) when they expire. Raises the
    /// default 1 to 2; 0 (the owner turned RAs off) is left alone.
    /// </summary>
    /// <returns>True when it changed 1 to 2.</returns>
    /// <exception cref="IOException">The sysctl can't be read or written (no such link, IPv6 off in the kernel).</exception>
    public static bool KeepAcceptingRouterAdvertisements(string link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.Length == 0 || link.Contains('/', StringComparison.Ordinal) || link is "." or "..")
        {
            throw new IOException($"not a link name: {link}");
        }

        if (Read(AcceptRa(link)) != "1")
        {
            return false;
        }

        Write(AcceptRa(link), "2");
        return true;
    }

    /// <summary>The sysctl's value, trimmed.</summary>
    public static string Read(string name) => File.ReadAllText(PathOf(name)).Trim();

    public static void Write(string name, string value) => File.WriteAllText(PathOf(name), value + "\n");

    /// <summary>Sets an on/off sysctl to 1 when it is not already.</summary>
    /// <returns>True when it was off and is now on; false when it was on already.</returns>
    /// <exception cref="IOException">The sysctl can't be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">Not allowed to write it.</exception>
    public static bool TurnOn(string name)
    {
        if (int.TryParse(Read(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value == 1)
        {
            return false;
        }

        Write(name, "1");
        return true;
    }

    // Names are paths below /proc/sys ("net/ipv4/ip_forward"): dotted names break on links like eth0.10.
    private static string PathOf(string name) => "/proc/sys/" + name;
}

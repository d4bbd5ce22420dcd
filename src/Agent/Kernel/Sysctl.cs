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

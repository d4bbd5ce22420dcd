using System.Globalization;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Lan;

/// <summary>
/// Reads dnsmasq's lease file: one IPv4 lease a line, <c>&lt;expiry epoch&gt; &lt;mac&gt; &lt;address&gt;
/// &lt;hostname|*&gt; &lt;client-id|*&gt;</c> (expiry 0: infinite). A <c>duid</c> line starts the DHCPv6 part, whose
/// lines carry no MAC; the LAN gets IPv6 by SLAAC (stateless), so that part holds nothing to list. A malformed line is
/// skipped: the file is dnsmasq's, rewritten while it runs.
/// </summary>
public static class DnsmasqLeases
{
    public static IReadOnlyList<DhcpLease> Parse(string text, IReadOnlyList<StaticLease> staticLeases)
    {
        ArgumentNullException.ThrowIfNull(text);
        var reserved = new HashSet<(string Mac, string Address)>();
        foreach (var lease in staticLeases.Where(l => l.Enabled))
        {
            if (MacAddress.TryNormalize(lease.Mac, out var mac) && Ipv4.TryParse(lease.Address, out var address))
            {
                reserved.Add((mac, Ipv4.Format(address)));
            }
        }

        var leases = new List<DhcpLease>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && fields[0] == "duid")
            {
                break;
            }

            if (fields.Length < 4
                || !long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry)
                || !MacAddress.TryNormalize(fields[1], out var leaseMac)
                || !Ipv4.TryParse(fields[2], out var leaseAddress))
            {
                continue;
            }

            var hostname = fields[3] == "*" || !ConfigValidator.IsHostName(fields[3].ToLowerInvariant()) ? null : fields[3];
            var address = Ipv4.Format(leaseAddress);
            leases.Add(new DhcpLease(
                leaseMac,
                address,
                hostname,
                expiry == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expiry),
                reserved.Contains((leaseMac, address))));
        }

        return leases;
    }

    /// <summary>The leases in <paramref name="path"/>; none when the file is missing or unreadable.</summary>
    public static IReadOnlyList<DhcpLease> Read(string path, IReadOnlyList<StaticLease> staticLeases)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path), staticLeases) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}

using System.Security.Cryptography;
using System.Text;

namespace Gateway.Agent.Nft;

/// <summary>
/// What identifies one build of <c>table inet gateway</c>: its <c>nft -s -a</c> listing (every object with its
/// handle, counter values already left out) minus the elements of dynamic sets, which the SYN-flood and ping
/// meters fill as packets arrive, and of the MAC pinhole sets <c>ph_mac_*</c>, which the agent fills from the
/// neighbour table between applies. Anything else that changes — a rule, a chain, a static set element, a handle
/// after a delete and re-create — changes the fingerprint.
/// </summary>
public static class TableFingerprint
{
    /// <summary>A hex SHA-256 of the listing without its volatile parts.</summary>
    public static string Of(string statelessListingWithHandles)
    {
        ArgumentNullException.ThrowIfNull(statelessListingWithHandles);
        var stable = WithoutDynamicElements(statelessListingWithHandles);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(stable)));
    }

    /// <summary>The listing with the <c>elements = { … }</c> of every set flagged <c>dynamic</c> or named <c>ph_mac_*</c> removed.</summary>
    public static string WithoutDynamicElements(string listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var output = new StringBuilder(listing.Length);
        var inSet = false;
        var dynamic = false;
        var skippingElements = false;
        foreach (var line in listing.Split('\n'))
        {
            var trimmed = line.Trim();
            if (skippingElements)
            {
                // Elements may wrap over several lines; the list ends with the line that closes it.
                skippingElements = !trimmed.EndsWith('}');
                continue;
            }

            if (trimmed.StartsWith("set ", StringComparison.Ordinal) && trimmed.Contains('{', StringComparison.Ordinal))
            {
                inSet = true;
                dynamic = trimmed.StartsWith("set ph_mac_", StringComparison.Ordinal);
            }
            else if (inSet && trimmed.StartsWith("flags ", StringComparison.Ordinal) && trimmed.Contains("dynamic", StringComparison.Ordinal))
            {
                dynamic = true;
            }
            else if (inSet && dynamic && trimmed.StartsWith("elements = {", StringComparison.Ordinal))
            {
                skippingElements = !trimmed.EndsWith('}');
                continue;
            }
            else if (inSet && trimmed == "}")
            {
                inSet = false;
            }

            output.Append(line).Append('\n');
        }

        return output.ToString();
    }
}

using System.IO.Hashing;
using System.Text;

namespace Gateway.Agent.Nft;

/// <summary>
/// What identifies one build of <c>table inet gateway</c>: its <c>nft -s -a</c> listing (every object with its
/// handle, counter values already left out) minus the elements of dynamic sets, which the SYN-flood and ping
/// meters fill as packets arrive, and of the MAC pinhole sets <c>ph_mac_*</c>, which the agent fills from the
/// neighbour table between applies, and the rules of miniupnpd's chains <c>upnp_*</c>. Anything else that changes — a rule, a chain, a static set element, a handle
/// after a delete and re-create — changes the fingerprint.
/// </summary>
public static class TableFingerprint
{
    /// <summary>Both fingerprints of one <c>nft -s -a</c> listing: its structure (no elements at all) and its contents.</summary>
    public static TableFingerprints Both(string statelessListingWithHandles) =>
        new(Hash(WithoutElements(statelessListingWithHandles, all: true)), Of(statelessListingWithHandles));

    // XxHash128, not SHA-256: it only has to notice a change, and SHA-256 would load OpenSSL (3.4 MiB resident).
    private static string Hash(string text) => Convert.ToHexString(XxHash128.Hash(Encoding.UTF8.GetBytes(text)));

    /// <summary>A hex XxHash128 of the listing without its volatile parts.</summary>
    public static string Of(string statelessListingWithHandles)
    {
        ArgumentNullException.ThrowIfNull(statelessListingWithHandles);
        return Hash(WithoutDynamicElements(statelessListingWithHandles));
    }

    /// <summary>The listing with the <c>elements = { … }</c> of every set flagged <c>dynamic</c> or named <c>ph_mac_*</c> removed.</summary>
    public static string WithoutDynamicElements(string listing) => WithoutElements(listing, all: false);

    /// <summary>The listing without the elements of dynamic and <c>ph_mac_*</c> sets, or of every set when <paramref name="all"/>.</summary>
    private static string WithoutElements(string listing, bool all)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var output = new StringBuilder(listing.Length);
        var inSet = false;
        var dynamic = false;
        var skippingElements = false;
        var inUpnpChain = false;
        foreach (var line in listing.Split('\n'))
        {
            var trimmed = line.Trim();
            if (inUpnpChain)
            {
                // miniupnpd's rules come and go between applies: only the chain itself is the agent's.
                inUpnpChain = trimmed != "}";
                if (inUpnpChain)
                {
                    continue;
                }
            }
            else if (trimmed.StartsWith("chain upnp_", StringComparison.Ordinal) && trimmed.Contains('{', StringComparison.Ordinal))
            {
                inUpnpChain = true;
            }

            if (skippingElements)
            {
                // Elements may wrap over several lines; the list ends with the line that closes it.
                skippingElements = !trimmed.EndsWith('}');
                continue;
            }

            if ((trimmed.StartsWith("set ", StringComparison.Ordinal) || (all && trimmed.StartsWith("map ", StringComparison.Ordinal))) && trimmed.Contains('{', StringComparison.Ordinal))
            {
                inSet = true;
                dynamic = all || trimmed.StartsWith("set ph_mac_", StringComparison.Ordinal);
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

/// <summary>The two fingerprints of a table (<see cref="TableFingerprint.Both"/>).</summary>
/// <param name="Structure">Chains, rules, objects and set declarations with their handles; element updates leave it as it is.</param>
/// <param name="Content">All of that plus the elements of every set and map but the dynamic and <c>ph_mac_*</c> ones.</param>
public sealed record TableFingerprints(string Structure, string Content);

using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Upnp;

/// <summary>
/// The live mappings: the dnat rules miniupnpd keeps in <see cref="MiniupnpdConfig.DstnatChain"/> are the truth (a
/// mapping is live exactly while its rule is there); its lease file adds the description and the expiry. Both are
/// read as untrusted text: a line that does not have the exact shape is skipped.
/// </summary>
public static partial class UpnpMappings
{
    /// <summary>The mappings in <paramref name="dstnatListing"/> (<c>nft -a list chain</c>), described from <paramref name="leaseLines"/>.</summary>
    public static IReadOnlyList<UpnpMapping> Read(string dstnatListing, IEnumerable<string> leaseLines)
    {
        ArgumentNullException.ThrowIfNull(dstnatListing);
        ArgumentNullException.ThrowIfNull(leaseLines);
        // A description is a client's text and miniupnpd writes it as it came, so a client can put what looks like a
        // lease line of its own in the file. A lease only describes the rule it names exactly (internal address and
        // port too), and a mapping two lines claim gets neither's description nor expiry (the lease cap still holds).
        var leases = new Dictionary<(string, int), (string Description, DateTimeOffset? Expires, string Address, int Port, int Lines)>();
        foreach (var line in leaseLines)
        {
            if (ParseLease(line) is { } lease)
            {
                var key = (lease.Protocol, lease.ExternalPort);
                var lines = leases.TryGetValue(key, out var earlier) ? earlier.Lines + 1 : 1;
                leases[key] = (lease.Description, lease.Expires, lease.InternalAddress, lease.InternalPort, lines);
            }
        }

        var mappings = new List<UpnpMapping>();
        foreach (var rule in Rules(dstnatListing))
        {
            if (!leases.TryGetValue((rule.Protocol, rule.ExternalPort), out var lease)
                || lease.Lines > 1 || lease.Address != rule.InternalAddress || lease.Port != rule.InternalPort)
            {
                lease = default;
            }

            mappings.Add(new UpnpMapping(
                UpnpMappingId.Of(rule.Protocol, rule.ExternalPort),
                rule.Protocol,
                rule.ExternalPort,
                rule.InternalAddress,
                rule.InternalPort,
                lease.Description ?? string.Empty,
                rule.InternalAddress,
                lease.Expires));
        }

        return mappings.DistinctBy(m => m.Id).OrderBy(m => m.Protocol, StringComparer.Ordinal).ThenBy(m => m.ExternalPort).ToList();
    }

    /// <summary>
    /// The mappings with their expiry held to <paramref name="leaseSeconds"/>: miniupnpd caps NAT-PMP and PCP lifetimes
    /// itself but gives an IGD mapping asked "for ever" a week, so each mapping expires at the latest
    /// <paramref name="leaseSeconds"/> after it was made or last renewed (<paramref name="seen"/>: id and the expiry
    /// miniupnpd gave it → when the agent first saw that; updated here, entries of gone mappings dropped).
    /// </summary>
    public static IReadOnlyList<UpnpMapping> Capped(IReadOnlyList<UpnpMapping> mappings, Dictionary<(string Id, DateTimeOffset? Expires), DateTimeOffset> seen, int leaseSeconds, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(seen);
        var live = new HashSet<(string, DateTimeOffset?)>();
        var capped = new List<UpnpMapping>(mappings.Count);
        foreach (var mapping in mappings)
        {
            var key = (mapping.Id, mapping.ExpiresAt);
            live.Add(key);
            if (!seen.TryGetValue(key, out var first))
            {
                seen[key] = first = now;
            }

            var limit = first.AddSeconds(leaseSeconds);
            capped.Add(mapping.ExpiresAt is { } expires && expires <= limit ? mapping : mapping with { ExpiresAt = limit });
        }

        foreach (var gone in seen.Keys.Where(k => !live.Contains(k)).ToList())
        {
            seen.Remove(gone);
        }

        return capped;
    }

    /// <summary>
    /// The mappings whose protocol and external port an enabled port forward of the owner also takes: the owner's
    /// forward wins (its dnat runs first), and the mapping carries nothing.
    /// </summary>
    public static IEnumerable<UpnpMapping> Shadowed(IEnumerable<UpnpMapping> mappings, IReadOnlyList<Shared.Config.PortForward> forwards)
    {
        ArgumentNullException.ThrowIfNull(mappings);
        ArgumentNullException.ThrowIfNull(forwards);
        return mappings.Where(m => forwards.Any(f => f.Enabled && f.SourceCidr is null
            && (m.Protocol == "tcp" ? f.CoversTcp : f.CoversUdp)
            && m.ExternalPort >= f.ExternalPort && m.ExternalPort <= f.ExternalLast));
    }

    /// <summary>One dnat rule of the chain with its handle.</summary>
    public static IEnumerable<MappingRule> Rules(string listing)
    {
        ArgumentNullException.ThrowIfNull(listing);
        foreach (var line in listing.Split('\n'))
        {
            var match = DnatRule().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var protocol = match.Groups["hex"].Success
                ? match.Groups["hex"].Value switch { "6" => "tcp", "11" => "udp", _ => null }
                : match.Groups["name"].Value;
            if (protocol is null
                || !int.TryParse(match.Groups["eport"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var externalPort) || externalPort is < 1 or > 65535
                || !int.TryParse(match.Groups["iport"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var internalPort) || internalPort is < 1 or > 65535
                || !Ipv4.TryParse(match.Groups["addr"].Value, out var address)
                || !long.TryParse(match.Groups["handle"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var handle))
            {
                continue;
            }

            yield return new MappingRule(protocol, externalPort, Ipv4.Format(address), internalPort, handle);
        }
    }

    /// <summary>
    /// The handles of the filter rules in <paramref name="forwardListing"/> that admit <paramref name="mapping"/>'s
    /// internal address and port (miniupnpd matches them as raw header words: protocol at bit 72, destination at 128).
    /// </summary>
    public static IEnumerable<long> ForwardHandles(string forwardListing, MappingRule mapping)
    {
        ArgumentNullException.ThrowIfNull(forwardListing);
        ArgumentNullException.ThrowIfNull(mapping);
        if (!Ipv4.TryParse(mapping.InternalAddress, out var address))
        {
            yield break;
        }

        var addressHex = $"0x{address:x8}";
        var protocolHex = mapping.Protocol == "tcp" ? "0x6" : "0x11";
        foreach (var line in forwardListing.Split('\n'))
        {
            var match = ForwardRule().Match(line);
            if (match.Success
                && match.Groups["iport"].Value == mapping.InternalPort.ToString(CultureInfo.InvariantCulture)
                && match.Groups["addr"].Value == addressHex
                && match.Groups["proto"].Value == protocolHex
                && long.TryParse(match.Groups["handle"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var handle))
            {
                yield return handle;
            }
        }
    }

    /// <summary>
    /// The lease file's lines, split on \n only as miniupnpd writes them: splitting at a lone \r too (as
    /// File.ReadLines does) would turn one a client put in its description into a lease line of its own once the
    /// file is rewritten after a delete.
    /// </summary>
    public static List<string> LeaseLines(string text) =>
        [.. (text ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(65536)];

    /// <summary>The lease file without the lines of <paramref name="protocol"/>/<paramref name="externalPort"/>.</summary>
    public static IEnumerable<string> WithoutLease(IEnumerable<string> leaseLines, string protocol, int externalPort) =>
        leaseLines.Where(line => ParseLease(line) is not { } lease || lease.Protocol != protocol || lease.ExternalPort != externalPort);

    // PROTO:EPORT:IADDR:IPORT:TIMESTAMP:DESC, TIMESTAMP the expiry in Unix seconds (0: none), DESC the rest of the line.
    private static (string Protocol, int ExternalPort, string InternalAddress, int InternalPort, string Description, DateTimeOffset? Expires)? ParseLease(string line)
    {
        var parts = line.Split(':', 6);
        if (parts.Length != 6
            || (parts[0] != "TCP" && parts[0] != "UDP")
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var externalPort) || externalPort is < 1 or > 65535
            || !Ipv4.TryParse(parts[2], out var internalAddress)
            || !int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var internalPort) || internalPort is < 1 or > 65535
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > 253402300799)
        {
            return null;
        }

        // The description is the client's text: kept printable and short, never interpreted.
        var description = new string(parts[5].Where(c => !char.IsControl(c)).Take(256).ToArray());
        return (parts[0].ToLowerInvariant(), externalPort, Ipv4.Format(internalAddress), internalPort, description, expires == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(expires));
    }

    // miniupnpd's dnat rule as nft lists it with handles; an apply keeps these, so only its own shape appears here.
    [GeneratedRegex(@"^\s*iif ""[^""]+"" (?:@nh,72,8 0x(?<hex>[0-9a-f]+)|ip protocol (?<name>tcp|udp)) (?:th|tcp|udp) dport (?<eport>[0-9]{1,5}) dnat ip to (?<addr>[0-9.]{7,15}):(?<iport>[0-9]{1,5}) # handle (?<handle>[0-9]{1,19})\s*$")]
    private static partial Regex DnatRule();

    [GeneratedRegex(@"^\s*iif ""[^""]+"" th dport (?<iport>[0-9]{1,5}) @nh,128,32 (?<addr>0x[0-9a-f]{1,8}) @nh,72,8 (?<proto>0x[0-9a-f]{1,2}) accept # handle (?<handle>[0-9]{1,19})\s*$")]
    private static partial Regex ForwardRule();
}

/// <summary>One of miniupnpd's dnat rules: a mapping, with the rule's handle.</summary>
public sealed record MappingRule(string Protocol, int ExternalPort, string InternalAddress, int InternalPort, long Handle);

using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>
/// Everything <see cref="RulesetManager"/> asks of the kernel, so its decisions (apply, refuse, lock down,
/// repair) are tested without root; <see cref="RulesetKernel"/> is the real one, proved in a namespace.
/// </summary>
public interface IRulesetKernel
{
    /// <summary>Replaces <c>table inet gateway</c> atomically (see <see cref="NftApplier.Replace"/>).</summary>
    NftResult Replace(string table);

    /// <summary>A fingerprint of the table as it is now (<see cref="TableFingerprint"/>), or null when it is absent.</summary>
    string? Fingerprint();

    /// <summary>The table's <c>rule_&lt;id&gt;</c> counters now; empty when the table or the counters are absent.</summary>
    IReadOnlyDictionary<int, RuleHits> ReadCounters();

    /// <summary>Whether a network link of that exact name exists in the agent's namespace.</summary>
    bool LinkExists(string name);

    /// <summary>The links carrying the main table's default route (<see cref="Links.Uplinks"/>).</summary>
    IReadOnlyList<string> Uplinks();

    /// <summary>Turns IPv4 forwarding on if it is off; true when it was off.</summary>
    bool EnableIpv4Forwarding();

    /// <summary>Turns IPv6 forwarding on (<c>net.ipv6.conf.all.forwarding</c>) if it is off; true when it was off.</summary>
    bool EnableIpv6Forwarding();

    /// <summary>Sets <c>accept_ra</c> of <paramref name="link"/> from 1 to 2 (<see cref="Kernel.Sysctl.KeepAcceptingRouterAdvertisements"/>); true when it changed.</summary>
    bool KeepAcceptingRouterAdvertisements(string link);
}

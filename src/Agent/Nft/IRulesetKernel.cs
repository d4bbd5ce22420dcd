using Gateway.Agent.Netlink;
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

    /// <summary>
    /// Adds and deletes set/map elements of the table in one transaction (<see cref="TableDelta.Script"/>); when
    /// the kernel refuses any of them, the table stays as it was.
    /// </summary>
    NftResult UpdateElements(string script);

    /// <summary>
    /// Both fingerprints of the table as it is now, read over netlink (<see cref="TableFingerprint.Read"/>): its
    /// structure with kernel handles (element updates leave it as it is; a rebuild or a foreign rule edit does not),
    /// and its contents, elements included but those of dynamic and <c>ph_mac_*</c> sets; null when the table is
    /// absent or can't be read. Reads every element, so it stays off the apply path.
    /// </summary>
    TableFingerprints? Fingerprints();

    /// <summary>
    /// The nftables ruleset generation of the namespace (<see cref="NftGeneration"/>): it moves with every committed
    /// transaction, anyone's, any table's. Null when it can't be read.
    /// </summary>
    uint? Generation();

    /// <summary>Deletes the conntrack entries carrying each of <paramref name="marks"/>.</summary>
    /// <exception cref="Netlink.NetlinkException">The conntrack request failed.</exception>
    void DeleteConnectionsByMark(IReadOnlyList<uint> marks);

    /// <summary>The table's <c>rule_&lt;id&gt;</c> counters now; empty when the table or the counters are absent.</summary>
    IReadOnlyDictionary<int, RuleHits> ReadCounters();

    /// <summary>
    /// The table's rule quotas now: used bytes by rule id (<c>quota_&lt;id&gt;</c>); empty when the table or the
    /// quotas are absent or can't be read.
    /// </summary>
    IReadOnlyDictionary<int, long> ReadQuotas() => new Dictionary<int, long>();

    /// <summary>Sets the used bytes of rule <paramref name="ruleId"/>'s quota back to 0 (<c>reset quota</c>).</summary>
    NftResult ResetQuota(int ruleId) => new(false, string.Empty, "This kernel seam has no quotas.");

    /// <summary>The uid of a system user, or null when the router has no such user.</summary>
    uint? UserId(string name) => RuleAccounts.SystemUser(name);

    /// <summary>The gid of a system group, or null when the router has no such group.</summary>
    uint? GroupId(string name) => RuleAccounts.SystemGroup(name);

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

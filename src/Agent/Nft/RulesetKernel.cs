using Gateway.Agent.Conntrack;
using Gateway.Agent.Interop;
using Gateway.Agent.Netlink;
using Gateway.Agent.Kernel;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>The real kernel: libnftables for the table, procfs for routes and sysctls, if_nametoindex for links.</summary>
public sealed class RulesetKernel(NftApplier applier) : IRulesetKernel
{
    public NftResult Replace(string table) => applier.Replace(table);

    public NftResult UpdateElements(string script) => applier.UpdateElements(script);

    public TableFingerprints? Fingerprints()
    {
        try
        {
            return TableFingerprint.Read(RulesetCompiler.TableName);
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
        {
            // As an unreadable listing was: no table the agent can vouch for, so the check repairs it.
            return null;
        }
    }

    /// <summary>The contents fingerprint alone (<see cref="TableFingerprints.Content"/>).</summary>
    public string? Fingerprint() => Fingerprints()?.Content;

    public uint? Generation()
    {
        try
        {
            return NftGeneration.Read();
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
        {
            return null;
        }
    }

    public void DeleteConnectionsByMark(IReadOnlyList<uint> marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        using var conntrack = new ConntrackClient();
        conntrack.DeleteByMarks(marks);
    }

    public IReadOnlyDictionary<int, RuleHits> ReadCounters()
    {
        try
        {
            return RuleCounters.FromNamed(NamedCounters.Read(RulesetCompiler.TableName));
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
        {
            // Unread counters are not lost: the values already reported carry over (RuleCounters never goes down).
            return new Dictionary<int, RuleHits>();
        }
    }

    public IReadOnlyDictionary<int, long> ReadQuotas()
    {
        try
        {
            return QuotaSampling.FromNamed(NamedCounters.ReadQuotas(RulesetCompiler.TableName));
        }
        catch (Exception ex) when (ex is NetlinkException or InvalidDataException)
        {
            // Unread quotas are not refilled: the values already read carry over (QuotaSampling).
            return new Dictionary<int, long>();
        }
    }

    public NftResult ResetQuota(int ruleId) =>
        NftApplier.Run($"reset quota inet {RulesetCompiler.TableName} {RulesetCompiler.RuleQuotaName(ruleId)}");

    /// <summary>
    /// Asks the kernel by name through a socket of the calling thread's namespace (unlike <c>/sys/class/net</c>,
    /// which shows the namespace sysfs was mounted in).
    /// </summary>
    public bool LinkExists(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Length is > 0 and < 16 && Libc.IfNameToIndex(name) != 0;
    }

    public IReadOnlyList<string> Uplinks() => Links.Uplinks.Read();

    public bool EnableIpv4Forwarding() => Sysctl.TurnOn(Sysctl.Ipv4Forward);

    public bool EnableIpv6Forwarding() => Sysctl.TurnOn(Sysctl.Ipv6Forward);

    public bool KeepAcceptingRouterAdvertisements(string link) => Sysctl.KeepAcceptingRouterAdvertisements(link);
}

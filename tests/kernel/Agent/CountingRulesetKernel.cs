using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The real kernel, counting how the manager moved the table: whole replaces and element updates.</summary>
internal sealed class CountingRulesetKernel(IRulesetKernel inner) : IRulesetKernel
{
    public int Replaces { get; private set; }

    public int ElementUpdates { get; private set; }

    public int RefusedElementUpdates { get; private set; }

    public NftResult Replace(string table)
    {
        Replaces++;
        return inner.Replace(table);
    }

    public NftResult UpdateElements(string script)
    {
        var result = inner.UpdateElements(script);
        if (result.Ok)
        {
            ElementUpdates++;
        }
        else
        {
            RefusedElementUpdates++;
        }

        return result;
    }

    public TableFingerprints? Fingerprints() => inner.Fingerprints();

    public uint? Generation() => inner.Generation();

    public IReadOnlyDictionary<int, RuleHits> ReadCounters() => inner.ReadCounters();

    public void DeleteConnectionsByMark(IReadOnlyList<uint> marks) => inner.DeleteConnectionsByMark(marks);

    public bool LinkExists(string name) => inner.LinkExists(name);

    public IReadOnlyList<string> Uplinks() => inner.Uplinks();

    public bool EnableIpv4Forwarding() => inner.EnableIpv4Forwarding();

    public bool EnableIpv6Forwarding() => inner.EnableIpv6Forwarding();

    public bool KeepAcceptingRouterAdvertisements(string link) => inner.KeepAcceptingRouterAdvertisements(link);
}

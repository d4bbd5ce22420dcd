using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// A kernel for <see cref="RulesetManager"/>'s decisions, without root: the "table" is the last text replaced
/// plus a write number (so every rebuild gets a new fingerprint, as handles do in the real kernel), its elements
/// the element scripts run since; every change to either bumps the generation, as a commit does.
/// </summary>
internal sealed class FakeRulesetKernel : IRulesetKernel
{
    private int _writes;
    private string? _table;
    private string _elements = string.Empty;

    public string? Table
    {
        get => _table;
        set
        {
            _table = value;
            _elements = string.Empty;
            GenerationNow++;
        }
    }

    public List<string> Replaced { get; } = [];

    public List<string> ElementUpdates { get; } = [];

    public bool RefuseElementUpdates { get; set; }

    public uint GenerationNow { get; set; } = 100;

    public bool GenerationUnavailable { get; set; }

    public List<uint> DeletedMarks { get; } = [];

    /// <summary>Someone else commits in another table: the generation moves, this table does not.</summary>
    public void CommitElsewhere() => GenerationNow++;

    /// <summary>Someone else adds an element to this table.</summary>
    public void EditElementsByHand(string what)
    {
        _elements += what;
        GenerationNow++;
    }

    public NftResult UpdateElements(string script)
    {
        if (RefuseElementUpdates || Table is null)
        {
            return new NftResult(false, string.Empty, "element update refused");
        }

        ElementUpdates.Add(script);
        _elements += script;
        GenerationNow++;
        return new NftResult(true, string.Empty, string.Empty);
    }

    /// <summary>Runs inside <see cref="Fingerprints"/> after the table was read, as if it happened during the listing.</summary>
    public Action? DuringListing { get; set; }

    public TableFingerprints? Fingerprints()
    {
        var fingerprints = Table is null ? null : new TableFingerprints(Table, $"{Table}\n{_elements}");
        DuringListing?.Invoke();
        return fingerprints;
    }

    public uint? Generation() => GenerationUnavailable ? null : GenerationNow;

    public void DeleteConnectionsByMark(IReadOnlyList<uint> marks) => DeletedMarks.AddRange(marks);

    public HashSet<string> Links { get; } = ["br-lan", "wan0"];

    public List<string> DefaultRouteLinks { get; set; } = ["wan0"];

    public Dictionary<int, RuleHits> Counters { get; set; } = [];

    public bool RefuseReplace { get; set; }

    public bool Forwarding { get; set; }

    public int ForwardingTurnedOn { get; private set; }

    public NftResult Replace(string table)
    {
        if (RefuseReplace)
        {
            return new NftResult(false, string.Empty, "refused");
        }

        Replaced.Add(table);
        Table = $"{table}#{++_writes}";
        return new NftResult(true, string.Empty, string.Empty);
    }

    /// <summary>The rule quotas' used bytes the "table" holds; <see cref="ResetQuota"/> zeroes one.</summary>
    public Dictionary<int, long> Quotas { get; set; } = [];

    public List<int> QuotasReset { get; } = [];

    /// <summary>The accounts this fake "system" has.</summary>
    public Dictionary<string, uint> Users { get; } = new() { ["root"] = 0, ["nobody"] = 65534 };

    public Dictionary<string, uint> Groups { get; } = new() { ["root"] = 0, ["nogroup"] = 65534 };

    public IReadOnlyDictionary<int, long> ReadQuotas() => Table is null ? new Dictionary<int, long>() : new Dictionary<int, long>(Quotas);

    public NftResult ResetQuota(int ruleId)
    {
        QuotasReset.Add(ruleId);
        Quotas[ruleId] = 0;
        return new NftResult(true, string.Empty, string.Empty);
    }

    public uint? UserId(string name) => Users.TryGetValue(name, out var uid) ? uid : null;

    public uint? GroupId(string name) => Groups.TryGetValue(name, out var gid) ? gid : null;

    public IReadOnlyDictionary<int, RuleHits> ReadCounters() => Table is null ? new Dictionary<int, RuleHits>() : new Dictionary<int, RuleHits>(Counters);

    public bool LinkExists(string name) => Links.Contains(name);

    public IReadOnlyList<string> Uplinks() => [.. DefaultRouteLinks];

    public bool Ipv6Forwarding { get; set; }

    public int Ipv6ForwardingTurnedOn { get; private set; }

    /// <summary>accept_ra per link; a link not listed has the kernel's default 1.</summary>
    public Dictionary<string, int> AcceptRa { get; } = [];

    public bool EnableIpv6Forwarding()
    {
        if (Ipv6Forwarding)
        {
            return false;
        }

        Ipv6Forwarding = true;
        Ipv6ForwardingTurnedOn++;
        return true;
    }

    public bool KeepAcceptingRouterAdvertisements(string link)
    {
        if (AcceptRa.GetValueOrDefault(link, 1) != 1)
        {
            return false;
        }

        AcceptRa[link] = 2;
        return true;
    }

    public bool EnableIpv4Forwarding()
    {
        if (Forwarding)
        {
            return false;
        }

        Forwarding = true;
        ForwardingTurnedOn++;
        return true;
    }
}

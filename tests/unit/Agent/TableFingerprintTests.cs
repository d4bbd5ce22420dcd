using Gateway.Agent.Nft;
using static Gateway.Tests.Unit.Agent.NftMessages;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// <see cref="TableHasher"/> over dump messages built as the kernel sends them: what packets move leaves both
/// fingerprints as they are; handles, rules, verdicts, limits and static elements change them.
/// </summary>
public sealed class TableFingerprintTests
{
    /// <summary>A table as it would arrive, with what packets move given as arguments.</summary>
    private static TableFingerprints Fingerprint(
        ulong counted = 0,
        ulong used = 0,
        uint use = 2,
        ulong? expires = null,
        uint ruleVerdict = 1,
        ulong ruleHandle = 5,
        ulong tableHandle = 1,
        uint macKey = 0x0a000001,
        bool reversed = false,
        Action<TableHasher>? more = null)
    {
        var hasher = new TableHasher(Table);
        hasher.Table(TableMessage(tableHandle, use));
        hasher.Chain(Chain("input", 1, use, counted));
        hasher.Chain(Chain("upnp_dstnat", 2));
        var macs = hasher.Set(Set("macs", 4))!.Value;
        var meter = hasher.Set(Set("syn4", 3, TableHasher.SetDynamic))!.Value;
        hasher.Rule(Rule("input", ruleHandle, Counter(counted), Quota(1000, used), Dynset("syn4", counted), Verdict(ruleVerdict)));
        hasher.Object(Object("rule_5", 1, Counter(counted), 6, use));
        hasher.Object(Object("quota_5", 2, Quota(100, used, over: true), 7));
        more?.Invoke(hasher);
        Assert.True(macs.ElementsCount);
        Assert.False(meter.ElementsCount);
        Element[] elements = [new(macKey, expires, counted), new(0x0a000002, expires, counted)];
        hasher.Elements(Elements("macs", reversed ? [.. elements.Reverse()] : elements));
        hasher.EndSet(macs);
        return hasher.Result();
    }

    [Fact]
    public void Counters_quota_use_use_counts_and_expirations_leave_both_fingerprints_as_they_are()
    {
        var quiet = Fingerprint();

        Assert.Equal(quiet, Fingerprint(counted: 42, used: 5000, use: 9, expires: 30_000));
        Assert.Equal(quiet, Fingerprint(reversed: true)); // a hash set's dump order
    }

    [Fact]
    public void Handles_verdicts_and_rules_change_the_structure_static_elements_only_the_contents()
    {
        var quiet = Fingerprint();

        Assert.NotEqual(quiet.Structure, Fingerprint(tableHandle: 2).Structure); // rebuilt
        Assert.NotEqual(quiet.Structure, Fingerprint(ruleHandle: 6).Structure);
        Assert.NotEqual(quiet.Structure, Fingerprint(ruleVerdict: 0).Structure);
        Assert.NotEqual(quiet.Structure, Fingerprint(more: h => h.Rule(Rule("input", 9, Verdict(0)))).Structure);
        Assert.NotEqual(quiet.Structure, Fingerprint(more: h => h.Chain(Chain("extra", 9))).Structure);
        Assert.NotEqual(quiet.Content, Fingerprint(ruleVerdict: 0).Content);

        var element = Fingerprint(macKey: 0x0a000009);
        Assert.Equal(quiet.Structure, element.Structure);
        Assert.NotEqual(quiet.Content, element.Content);
    }

    [Fact]
    public void Miniupnpd_rules_and_other_tables_are_left_out_but_our_own_rules_are_not()
    {
        var quiet = Fingerprint();

        Assert.Equal(quiet, Fingerprint(more: h => h.Rule(Rule("upnp_dstnat", 9, Verdict(1)))));
        Assert.Equal(quiet, Fingerprint(more: h =>
        {
            h.Chain(Chain("output", 9, table: "other"));
            h.Rule(RuleIn("other", "output", 10, Verdict(0)));
            Assert.Null(h.Set(OtherTableSet()));
        }));
        Assert.NotEqual(quiet, Fingerprint(more: h => h.Rule(Rule("input_upnp", 9, Verdict(1)))));
    }

    [Fact]
    public void Only_the_elements_of_static_named_sets_count()
    {
        Assert.True(new TableHasher.SetInfo("pf_dnat", 0x8).ElementsCount); // a map
        Assert.False(new TableHasher.SetInfo("ph_mac_7", 0).ElementsCount);
        Assert.False(new TableHasher.SetInfo("syn4", TableHasher.SetDynamic | 0x10).ElementsCount);
        Assert.False(new TableHasher.SetInfo("__set0", TableHasher.SetAnonymous | 0x2).ElementsCount);
    }

    private static byte[] OtherTableSet() =>
        new Gateway.Agent.Netlink.NetlinkAttributeWriter().String(1, "other").String(2, "macs").U32BigEndian(3, 0).ToArray();
}

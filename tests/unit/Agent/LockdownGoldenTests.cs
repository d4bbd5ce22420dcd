using Gateway.Agent.Nft;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The lockdown table for 0, 1 and 2 uplinks: exact text (<c>Golden/Lockdown/&lt;name&gt;.nft</c>); tests/kernel checks that the kernel accepts each.</summary>
public sealed class LockdownGoldenTests
{
    private static readonly Dictionary<string, string[]> Uplinks = new(StringComparer.Ordinal)
    {
        ["no-uplink"] = [],
        ["one-uplink"] = ["wan0"],
        // An invalid name and a duplicate are ignored, the rest sorted: the same links always give the same text.
        ["two-uplinks"] = ["ppp0", "eth1\" ; flush ruleset", "eth1", "ppp0"],
        // Before setup with FirstBoot:LanInterface: only that link is served, with or without an uplink.
        ["first-boot-no-uplink"] = [],
        ["first-boot-one-uplink"] = ["wan0"],
    };

    private static string? FirstBootLan(string name) => name.StartsWith("first-boot", StringComparison.Ordinal) ? "eth1" : null;

    public static TheoryData<string> Cases() => new(Uplinks.Keys.Order(StringComparer.Ordinal));

    private static string ExpectedPath(string name) => Path.Combine(GoldenCase.OutputDirectory, "Lockdown", name + ".nft");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_uplink_set_compiles_to_exactly_its_golden_text(string name)
    {
        var actual = RulesetCompiler.Lockdown(Uplinks[name], FirstBootLan(name));
        if (GoldenCase.Updating)
        {
            Directory.CreateDirectory(Path.Combine(GoldenCase.SourceDirectory(), "Lockdown"));
            File.WriteAllText(Path.Combine(GoldenCase.SourceDirectory(), "Lockdown", name + ".nft"), actual);
            Directory.CreateDirectory(Path.GetDirectoryName(ExpectedPath(name))!);
            File.WriteAllText(ExpectedPath(name), actual);
        }

        Assert.True(File.Exists(ExpectedPath(name)), $"Lockdown/{name}.nft is missing; run with GATEWAY_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(ExpectedPath(name)), actual);
    }

    [Fact]
    public void Nothing_is_forwarded_and_input_is_closed_by_default()
    {
        var table = RulesetCompiler.Lockdown(["wan0"]);

        Assert.Contains("type filter hook forward priority filter; policy drop;", table, StringComparison.Ordinal);
        Assert.Contains("type filter hook input priority filter; policy drop;", table, StringComparison.Ordinal);
        Assert.Contains("iifname \"wan0\" counter drop", table, StringComparison.Ordinal);
        Assert.DoesNotContain("nat", table, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hostile_uplink_name_never_reaches_the_table()
    {
        var table = RulesetCompiler.Lockdown(["wan0\" ; flush ruleset", "a\nb"]);

        Assert.DoesNotContain("flush", table, StringComparison.Ordinal);
        Assert.DoesNotContain("a\nb", table, StringComparison.Ordinal);
        Assert.Equal(RulesetCompiler.Lockdown([]), table);
    }
}

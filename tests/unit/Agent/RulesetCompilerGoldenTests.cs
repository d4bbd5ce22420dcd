using Gateway.Agent.Nft;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Agent;

public sealed class RulesetCompilerGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var name in GoldenCase.Names())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void There_are_golden_cases_to_check()
    {
        Assert.True(GoldenCase.Names().Count() >= 10, "Golden case files were not copied to the test output.");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_described_config_compiles_to_exactly_its_golden_text(string name)
    {
        var golden = GoldenCase.Load(name);
        Assert.False(string.IsNullOrWhiteSpace(golden.Description));
        Assert.True(ConfigValidator.Validate(golden.Config).IsValid, $"{name}: the case's config must be one the agent accepts: {ConfigValidator.Validate(golden.Config)}");

        var actual = RulesetCompiler.Compile(golden.Config, golden.Counters);
        if (GoldenCase.Updating)
        {
            File.WriteAllText(Path.Combine(GoldenCase.SourceDirectory(), name + ".nft"), actual);
            File.WriteAllText(golden.ExpectedPath, actual);
        }

        Assert.True(File.Exists(golden.ExpectedPath), $"{name}.nft is missing; run with GATEWAY_UPDATE_GOLDEN=1 to create it.");
        Assert.Equal(File.ReadAllText(golden.ExpectedPath), actual);
    }

    [Fact]
    public void Compiling_is_deterministic()
    {
        var golden = GoldenCase.Load("logging");
        Assert.Equal(RulesetCompiler.Compile(golden.Config), RulesetCompiler.Compile(golden.Config with { }));
    }
}

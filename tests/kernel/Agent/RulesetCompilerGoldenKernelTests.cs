using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>Every compiler golden (<c>tests/unit/Agent/Golden/*.nft</c>, checked byte for byte in tests/unit) is a table the kernel accepts.</summary>
public sealed class RulesetCompilerGoldenKernelTests
{
    public static TheoryData<string> Cases() => new(GoldenCase.Names());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_golden_file_is_accepted_by_the_kernel(string name)
    {
        var golden = GoldenCase.Load(name);
        var path = golden.ExpectedPath;

        // nft -c sends the batch to the kernel for checking without committing; done in a throwaway namespace anyway.
        var result = ProcessRunner.InThrowawayNamespace($"nft -c -f '{path}'");

        Assert.True(result.ExitCode == 0, $"{name}: nft -c refused the golden file:\n{result.Stderr}");
    }
}

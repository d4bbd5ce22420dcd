using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>Every lockdown golden (<c>tests/unit/Agent/Golden/Lockdown/*.nft</c>, checked byte for byte in tests/unit) is a table the kernel accepts.</summary>
public sealed class LockdownGoldenKernelTests
{
    private static string Folder => Path.Combine(GoldenCase.OutputDirectory, "Lockdown");

    public static TheoryData<string> Cases() =>
        new(Directory.EnumerateFiles(Folder, "*.nft").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_lockdown_golden_is_accepted_by_the_kernel(string name)
    {
        var result = ProcessRunner.InThrowawayNamespace($"nft -c -f '{Path.Combine(Folder, name + ".nft")}'");

        Assert.True(result.ExitCode == 0, $"{name}: nft -c refused the lockdown table:\n{result.Stderr}");
    }
}

using Gateway.Agent.Nft;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>A config full of hostile names, loaded into a throwaway namespace's kernel, creates nothing but the gateway table.</summary>
public sealed class HostileNameKernelTests
{
    [Fact]
    public void Hostile_names_loaded_into_a_kernel_create_only_the_gateway_table()
    {
        var golden = GoldenCase.Load("hostile-names");
        var table = RulesetCompiler.Compile(golden.Config);
        var path = Path.Combine(Path.GetTempPath(), $"gw-hostile-{Environment.ProcessId}-{Guid.NewGuid():N}.nft");
        File.WriteAllText(path, table);
        try
        {
            var result = ProcessRunner.InThrowawayNamespace($"nft -f '{path}' && nft list tables && nft list table inet gateway");

            Assert.True(result.ExitCode == 0, result.Stderr);
            var lines = result.Stdout.Split('\n');
            Assert.Equal(["table inet gateway"], lines.Where(l => l.StartsWith("table ", StringComparison.Ordinal) && !l.EndsWith('{')).ToArray());
            Assert.Contains("comment \"x add table inet evil\"", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("counter name \"rule_5\" jump rule_5 comment \"x add table inet evil flush\"", result.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

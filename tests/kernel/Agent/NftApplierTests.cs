using Gateway.Agent.Nft;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>libnftables through P/Invoke, against a real kernel in a throwaway namespace.</summary>
public sealed class NftApplierTests
{
    private static string Table() => RulesetCompiler.Compile(GoldenCase.Load("port-forwards").Config);

    [Fact]
    public void Replace_loads_the_table_and_list_returns_it_as_the_kernel_has_it()
    {
        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            Assert.Equal(string.Empty, applier.ListTable());

            var result = applier.Replace(Table());

            Assert.True(result.Ok, result.Error);
            var listed = applier.ListTable();
            Assert.StartsWith("table inet gateway {", listed, StringComparison.Ordinal);
            Assert.Contains("tcp . 9001 : 192.168.1.40 . 7001", listed, StringComparison.Ordinal);
            Assert.Equal(listed, ThrowawayNamespace.Exec("nft", "list", "table", "inet", "gateway").Stdout);
        });
    }

    [Fact]
    public void Replacing_twice_leaves_one_table_with_only_the_new_contents()
    {
        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            Assert.True(applier.Replace(Table()).Ok);

            var minimal = RulesetCompiler.Compile(GoldenCase.Load("minimal").Config);
            Assert.True(applier.Replace(minimal).Ok);

            var listed = applier.ListTable();
            Assert.DoesNotContain("192.168.1.40", listed, StringComparison.Ordinal);
            Assert.Equal("table inet gateway", ThrowawayNamespace.Exec("nft", "list", "tables").Stdout.Trim());
        });
    }

    [Fact]
    public void A_refused_table_leaves_the_old_one_whole_and_returns_the_kernels_message()
    {
        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            Assert.True(applier.Replace(Table()).Ok);
            var before = applier.ListTable();

            // Parses fine, but the kernel side refuses: a jump to a chain that does not exist.
            var broken = Table().Replace("counter jump pf_hairpin", "counter jump no_such_chain", StringComparison.Ordinal);
            var result = applier.Replace(broken);

            Assert.False(result.Ok);
            Assert.Contains("Could not process rule: No such file or directory", result.Error, StringComparison.Ordinal);
            Assert.Equal(before, applier.ListTable());
        });
    }

    [Fact]
    public void A_syntax_error_is_reported_and_nothing_changes()
    {
        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            var result = applier.Replace("table inet gateway { chain x { fwd } }");

            Assert.False(result.Ok);
            Assert.Contains("syntax error", result.Error, StringComparison.Ordinal);
            Assert.Equal(string.Empty, applier.ListTable());
        });
    }

    [Fact]
    public void Other_tables_are_never_touched()
    {
        ThrowawayNamespace.Run(() =>
        {
            var setup = ThrowawayNamespace.Shell("nft add table ip foreign && nft add chain ip foreign c '{ type filter hook input priority 10; }' && nft add rule ip foreign c tcp dport 9 counter accept");
            Assert.Equal(0, setup.ExitCode);
            var foreignBefore = ThrowawayNamespace.Exec("nft", "list", "table", "ip", "foreign").Stdout;
            var applier = new NftApplier();

            Assert.True(applier.Replace(Table()).Ok);
            Assert.True(applier.Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);

            Assert.Equal(foreignBefore, ThrowawayNamespace.Exec("nft", "list", "table", "ip", "foreign").Stdout);
        });
    }
}

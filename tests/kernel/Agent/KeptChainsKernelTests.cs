using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>A whole-table apply with UPnP on keeps the rules miniupnpd wrote into its chains, with their handles.</summary>
public sealed class KeptChainsKernelTests
{
    private static GatewayConfig Config(bool upnp) =>
        GoldenCase.Load("port-forwards").Config with { Upnp = new UpnpSettings(Enabled: upnp) };

    [Fact]
    public void Replacing_the_table_keeps_miniupnpds_rules_and_handles_and_turning_upnp_off_removes_them()
    {
        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            Assert.True(applier.Replace(RulesetCompiler.Compile(Config(true))).Ok);
            var wan = Config(true).Network.WanInterface;
            // What miniupnpd adds, in its own shape.
            var added = ThrowawayNamespace.Exec("nft", "add", "rule", "inet", "gateway", "upnp_dstnat", "iifname", wan, "@nh,72,8", "0x6", "th", "dport", "18080", "counter");
            Assert.True(added.ExitCode == 0, added.Stderr);
            var before = ThrowawayNamespace.Exec("nft", "-a", "list", "chain", "inet", "gateway", "upnp_dstnat").Stdout;

            var changed = Config(true) with { PortForwards = [] };
            var result = applier.Replace(RulesetCompiler.Compile(changed));

            Assert.True(result.Ok, result.Error);
            Assert.Equal(before, ThrowawayNamespace.Exec("nft", "-a", "list", "chain", "inet", "gateway", "upnp_dstnat").Stdout);
            Assert.DoesNotContain("9001", applier.ListTable(), StringComparison.Ordinal);

            Assert.True(applier.Replace(RulesetCompiler.Compile(Config(false))).Ok);
            Assert.DoesNotContain("upnp_", applier.ListTable(), StringComparison.Ordinal);
        });
    }
}

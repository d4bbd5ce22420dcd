using System.Net;
using Gateway.Agent.Nft;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The killed-flow sets in a real kernel: they take both families' tuples, and a whole-table replace keeps them.</summary>
public sealed class KilledFlowsKernelTests
{
    private static FlowTuple Tuple(string source, int sourcePort, string destination, int destinationPort) =>
        new(IPAddress.Parse(source), sourcePort, IPAddress.Parse(destination), destinationPort);

    [Fact]
    public void The_sets_take_both_directions_and_a_replace_carries_them_with_their_time_left()
    {
        ThrowawayNamespace.Run(() =>
        {
            var applier = new NftApplier();
            Assert.True(applier.Replace(RulesetCompiler.Compile(GoldenCase.Load("port-forwards").Config)).Ok);
            var kernel = new RulesetKernel(applier);
            var fingerprints = kernel.Fingerprints();
            var script = KilledFlows.AddScript([
                Tuple("198.51.100.7", 40112, "203.0.113.1", 9001), Tuple("192.168.1.40", 7001, "198.51.100.7", 40112),
                Tuple("2001:db8::10", 443, "2001:db8:1::5", 50000)]);
            var added = NftApplier.Run(script);
            Assert.True(added.Ok, added.Error);
            // The sets are dynamic: a kill is not drift, so the drift watch never re-applies over one.
            Assert.Equal(fingerprints, kernel.Fingerprints());
            var before = KilledFlows.List();
            string[] expected = ["192.168.1.40 . 7001 . 198.51.100.7 . 40112", "198.51.100.7 . 40112 . 203.0.113.1 . 9001", "2001:db8::10 . 443 . 2001:db8:1::5 . 50000"];
            Assert.Equal(expected, before.Select(e => e.Key).Order(StringComparer.Ordinal));
            Assert.All(before, e => Assert.InRange(e.SecondsLeft, 1, RulesetCompiler.KilledFlowSeconds));

            Assert.True(applier.Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);

            var after = KilledFlows.List();
            Assert.Equal(before.Select(e => (e.Set, e.Key)).Order(), after.Select(e => (e.Set, e.Key)).Order());
            Assert.All(after, e => Assert.InRange(e.SecondsLeft, 1, before.Single(b => b.Key == e.Key).SecondsLeft));
        });
    }
}

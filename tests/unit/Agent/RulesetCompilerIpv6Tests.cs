using Gateway.Agent.Nft;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

public sealed class RulesetCompilerIpv6Tests
{
    [Fact]
    public void The_mac_pinhole_set_name_is_the_one_the_agent_fills()
    {
        Assert.Equal("ph_mac_7", RulesetCompiler.PinholeMacSetName(7));
        Assert.StartsWith(RulesetCompiler.PinholeMacSetPrefix, RulesetCompiler.PinholeMacSetName(7), StringComparison.Ordinal);
    }

    [Fact]
    public void With_ipv6_off_no_pinhole_reaches_the_table_and_ipv6_is_dropped_first_in_forward()
    {
        var on = GoldenCase.Load("ipv6-pinholes").Config;
        var off = on with { Network = on.Network with { LanIpv6 = null } };

        Assert.Empty(RulesetCompiler.ActivePinholes(off));
        var table = RulesetCompiler.Compile(off);
        Assert.DoesNotContain("ph_mac_", table, StringComparison.Ordinal);
        Assert.DoesNotContain("0x0400", table, StringComparison.Ordinal);
        var forward = table[table.IndexOf("chain forward {", StringComparison.Ordinal)..];
        Assert.StartsWith("chain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\t# IPv6 is off", forward, StringComparison.Ordinal);
        Assert.Contains("\t\tmeta nfproto ipv6 counter drop\n\t\tct state established,related", forward, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_enabled_pinholes_are_active_in_id_order()
    {
        var config = GoldenCase.Load("ipv6-pinholes").Config;
        Assert.Equal([1, 2, 3, 5], RulesetCompiler.ActivePinholes(config).Select(p => p.Id));
    }
}

using Gateway.Agent.Nft;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

public sealed class VerdictsTests
{
    [Theory]
    [InlineData(RejectWith.Default, RuleProtocol.Tcp, RuleFamily.Any, "reject with tcp reset")]
    [InlineData(RejectWith.TcpReset, RuleProtocol.Tcp, RuleFamily.Ipv6, "reject with tcp reset")]
    [InlineData(RejectWith.Default, RuleProtocol.Udp, RuleFamily.Any, "reject with icmpx type port-unreachable")]
    [InlineData(RejectWith.Default, RuleProtocol.TcpUdp, RuleFamily.Ipv4, "meta l4proto tcp reject with tcp reset|reject with icmp type port-unreachable")]
    [InlineData(RejectWith.Default, RuleProtocol.Any, RuleFamily.Ipv6, "meta l4proto tcp reject with tcp reset|reject with icmpv6 type port-unreachable")]
    [InlineData(RejectWith.NetUnreachable, RuleProtocol.Any, RuleFamily.Any, "reject with icmpx type no-route")]
    [InlineData(RejectWith.NetUnreachable, RuleProtocol.Any, RuleFamily.Ipv4, "reject with icmp type net-unreachable")]
    [InlineData(RejectWith.NetUnreachable, RuleProtocol.Any, RuleFamily.Ipv6, "reject with icmpv6 type no-route")]
    [InlineData(RejectWith.HostUnreachable, RuleProtocol.Udp, RuleFamily.Ipv6, "reject with icmpv6 type addr-unreachable")]
    [InlineData(RejectWith.ProtUnreachable, RuleProtocol.Any, RuleFamily.Any, "meta nfproto ipv4 reject with icmp type prot-unreachable|meta nfproto ipv6 reject with icmpv6 type port-unreachable")]
    [InlineData(RejectWith.HostProhibited, RuleProtocol.Any, RuleFamily.Any, "meta nfproto ipv4 reject with icmp type host-prohibited|meta nfproto ipv6 reject with icmpv6 type admin-prohibited")]
    [InlineData(RejectWith.NetProhibited, RuleProtocol.Icmp, RuleFamily.Ipv4, "reject with icmp type net-prohibited")]
    [InlineData(RejectWith.AdminProhibited, RuleProtocol.Any, RuleFamily.Any, "reject with icmpx type admin-prohibited")]
    public void Each_reject_form_maps_to_its_statements(RejectWith with, RuleProtocol protocol, RuleFamily family, string expected)
    {
        Assert.Equal(expected.Split('|'), Verdicts.Reject(with, protocol, family));
    }

    [Fact]
    public void Every_message_maps_for_every_family_it_is_valid_in()
    {
        foreach (var with in Enum.GetValues<RejectWith>())
        {
            foreach (var family in Enum.GetValues<RuleFamily>())
            {
                if (with == RejectWith.TcpReset || (family == RuleFamily.Ipv6 && with.IsIpv4Only()))
                {
                    continue;
                }

                var lines = Verdicts.Reject(with, RuleProtocol.Any, family);
                Assert.NotEmpty(lines);
                Assert.All(lines, l => Assert.Contains("reject", l, StringComparison.Ordinal));
            }
        }
    }
}

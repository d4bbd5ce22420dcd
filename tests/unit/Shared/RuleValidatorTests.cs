using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class RuleValidatorTests
{
    private static readonly TrafficRule Valid = new(
        1, "block ssh", true, RuleChain.Input, RuleFamily.Any, "wan0", null, RuleProtocol.Tcp,
        null, null, 22, null, null, RuleAction.Reject, RejectWith.AdminProhibited, null, null);

    public static TheoryData<string, TrafficRule, string?> Rules => new()
    {
        { "valid", Valid, null },
        { "wildcard in", Valid with { InInterface = "ppp*" }, null },
        { "tcp-reset on tcp", Valid with { RejectWith = RejectWith.TcpReset }, null },
        { "range", Valid with { DestinationPortEnd = 30 }, null },
        { "v4 source", Valid with { Source = "203.0.113.0/24" }, null },
        { "v6 source", Valid with { Source = "2001:db8::/32" }, null },
        { "v6 host", Valid with { Family = RuleFamily.Ipv6, Destination = "2001:db8::1" }, null },
        { "mac", Valid with { SourceMac = "AA-BB-CC-DD-EE-01" }, null },
        { "limit", Valid with { Limit = new RuleLimit(5, 10) }, null },
        { "forward both ifs", Valid with { Chain = RuleChain.Forward, OutInterface = "wan*" }, null },
        { "output out", Valid with { Chain = RuleChain.Output, InInterface = null, OutInterface = "wan0" }, null },
        { "hostile printable name", Valid with { Name = "\"} ; flush ruleset ; {\"" }, null },
        { "icmp any", Valid with { Protocol = RuleProtocol.Icmp, DestinationPort = null, RejectWith = null }, null },
        { "prot-unreachable any", Valid with { RejectWith = RejectWith.ProtUnreachable }, null },
        { "output user and group", Valid with { Chain = RuleChain.Output, InInterface = null, User = "nobody", Group = "nogroup" }, null },
        { "account name with dot, dash and $", Valid with { Chain = RuleChain.Output, InInterface = null, User = "_svc.web-1$" }, null },
        { "32-character user", Valid with { Chain = RuleChain.Output, InInterface = null, User = new string('u', 32) }, null },
        { "quota until", Valid with { Quota = new RuleQuota(200_000, QuotaMode.Until) }, null },
        { "largest quota", Valid with { Quota = new RuleQuota(FieldRules.MaxQuotaBytes, QuotaMode.Over) }, null },
        { "user on input", Valid with { User = "nobody" }, "user" },
        { "group on forward", Valid with { Chain = RuleChain.Forward, Group = "nogroup" }, "group" },
        { "user with quote", Valid with { Chain = RuleChain.Output, InInterface = null, User = "nobody\" accept" }, "user" },
        { "user with space", Valid with { Chain = RuleChain.Output, InInterface = null, User = "no body" }, "user" },
        { "user starting with a digit", Valid with { Chain = RuleChain.Output, InInterface = null, User = "0day" }, "user" },
        { "user of 33", Valid with { Chain = RuleChain.Output, InInterface = null, User = new string('u', 33) }, "user" },
        { "empty group", Valid with { Chain = RuleChain.Output, InInterface = null, Group = "" }, "group" },
        { "lone $", Valid with { Chain = RuleChain.Output, InInterface = null, Group = "$" }, "group" },
        { "non-ascii user", Valid with { Chain = RuleChain.Output, InInterface = null, User = "nöbody" }, "user" },
        { "zero quota", Valid with { Quota = new RuleQuota(0, QuotaMode.Until) }, "quota.bytes" },
        { "negative quota", Valid with { Quota = new RuleQuota(-1, QuotaMode.Over) }, "quota.bytes" },
        { "quota over the bound", Valid with { Quota = new RuleQuota(FieldRules.MaxQuotaBytes + 1, QuotaMode.Over) }, "quota.bytes" },
        { "quota mode out of enum", Valid with { Quota = new RuleQuota(10, (QuotaMode)7) }, "quota.mode" },
        { "negative id", Valid with { Id = -1 }, "id" },
        { "newline name", Valid with { Name = "x\nflush ruleset" }, "name" },
        { "chain out of enum", Valid with { Chain = (RuleChain)9 }, "chain" },
        { "family out of enum", Valid with { Family = (RuleFamily)9 }, "family" },
        { "protocol out of enum", Valid with { Protocol = (RuleProtocol)9 }, "protocol" },
        { "action out of enum", Valid with { Action = (RuleAction)9 }, "action" },
        { "reject with out of enum", Valid with { RejectWith = (RejectWith)99 }, "rejectWith" },
        { "interface with quote", Valid with { InInterface = "wan0\" accept" }, "inInterface" },
        { "interface too long", Valid with { InInterface = "abcdefghijklmnop" }, "inInterface" },
        { "out on input", Valid with { OutInterface = "br-lan" }, "outInterface" },
        { "in on output", Valid with { Chain = RuleChain.Output }, "inInterface" },
        { "mac on output", Valid with { Chain = RuleChain.Output, InInterface = null, SourceMac = "02:00:00:00:00:01" }, "sourceMac" },
        { "bad mac", Valid with { SourceMac = "02:00:00:00:00" }, "sourceMac" },
        { "group mac", Valid with { SourceMac = "01:00:5e:00:00:01" }, "sourceMac" },
        { "source with nft", Valid with { Source = "10.0.0.0/8 accept" }, "source" },
        { "source host bits", Valid with { Source = "10.0.0.1/8" }, "source" },
        { "octal source", Valid with { Source = "010.0.0.1" }, "source" },
        { "zone id", Valid with { Source = "fe80::1%eth0" }, "source" },
        { "v4-mapped", Valid with { Source = "::ffff:10.0.0.1" }, "source" },
        { "v4 in ipv6 rule", Valid with { Family = RuleFamily.Ipv6, Source = "10.0.0.0/8" }, "source" },
        { "v6 in ipv4 rule", Valid with { Family = RuleFamily.Ipv4, Destination = "2001:db8::1" }, "destination" },
        { "mixed families", Valid with { Source = "10.0.0.0/8", Destination = "2001:db8::1" }, "destination" },
        { "icmp in ipv6 rule", Valid with { Family = RuleFamily.Ipv6, Protocol = RuleProtocol.Icmp, DestinationPort = null, RejectWith = null }, "protocol" },
        { "icmpv6 with v4 address", Valid with { Protocol = RuleProtocol.Icmpv6, Source = "10.0.0.0/8", DestinationPort = null, RejectWith = null }, "protocol" },
        { "port on any", Valid with { Protocol = RuleProtocol.Any, RejectWith = null }, "destinationPort" },
        { "port on icmp", Valid with { Protocol = RuleProtocol.Icmp, RejectWith = null }, "destinationPort" },
        { "port 0", Valid with { DestinationPort = 0 }, "destinationPort" },
        { "end without start", Valid with { DestinationPort = null, DestinationPortEnd = 30 }, "destinationPortEnd" },
        { "end below start", Valid with { DestinationPortEnd = 21 }, "destinationPortEnd" },
        { "reject with on drop", Valid with { Action = RuleAction.Drop }, "rejectWith" },
        { "tcp-reset on udp", Valid with { Protocol = RuleProtocol.Udp, RejectWith = RejectWith.TcpReset }, "rejectWith" },
        { "tcp-reset on tcp+udp", Valid with { Protocol = RuleProtocol.TcpUdp, RejectWith = RejectWith.TcpReset }, "rejectWith" },
        { "host-prohibited on ipv6", Valid with { Family = RuleFamily.Ipv6, RejectWith = RejectWith.HostProhibited }, "rejectWith" },
        { "log level out of enum", Valid with { LogLevel = (FirewallLogLevel)42 }, "logLevel" },
        { "limit rate 0", Valid with { Limit = new RuleLimit(0, 10) }, "limit.ratePerSecond" },
        { "limit burst 0", Valid with { Limit = new RuleLimit(5, 0) }, "limit.burst" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_field_is_checked(string because, TrafficRule rule, string? badField)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateRule(rule, errors);
        if (badField is null)
        {
            Assert.True(errors.IsValid, $"{because}: {errors}");
        }
        else
        {
            Assert.True(errors.Has(badField), $"{because}: expected an error on {badField}, got {errors}");
        }
    }

    [Fact]
    public void Duplicate_rule_ids_in_a_config_are_refused()
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateRules([Valid, Valid with { Name = "again" }], errors);
        Assert.True(errors.Has("rules[1].id"));
    }

    [Fact]
    public void An_address_pins_the_family_of_an_any_rule()
    {
        Assert.Equal(RuleFamily.Ipv6, ConfigValidator.EffectiveFamily(Valid with { Source = "2001:db8::/32" }));
        Assert.Equal(RuleFamily.Ipv4, ConfigValidator.EffectiveFamily(Valid with { Destination = "192.0.2.1" }));
        Assert.Equal(RuleFamily.Any, ConfigValidator.EffectiveFamily(Valid));
    }

    [Fact]
    public void The_default_protection_is_valid_and_bad_rates_are_named()
    {
        var ok = new ValidationErrors();
        ConfigValidator.ValidateProtection(Protection.Default, ok, "protection");
        Assert.True(ok.IsValid, ok.ToString());

        var bad = new ValidationErrors();
        ConfigValidator.ValidateProtection(
            Protection.Default with { WanInput = (WanInputAction)5, SynFlood = new SynFloodLimit(true, 0, 50, true), IcmpLimit = new IcmpLimit(10, 0) },
            bad,
            "protection");
        Assert.True(bad.Has("protection.wanInput"));
        Assert.True(bad.Has("protection.synFlood.ratePerSecond"));
        Assert.True(bad.Has("protection.icmpLimit.burst"));
    }

    [Theory]
    [InlineData("2001:db8::1", true)]
    [InlineData("::1", true)]
    [InlineData("::", true)]
    [InlineData("2001:DB8:0:0:0:0:0:1", true)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("[2001:db8::1]", false)]
    [InlineData("::ffff:192.0.2.1", false)]
    [InlineData("::ffff:c000:201", false)]
    [InlineData("::192.0.2.1", false)]
    [InlineData("2001:db8::1::2", false)]
    [InlineData("2001:db8:: 1", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("12345::", false)]
    public void Ipv6_parsing_is_strict(string text, bool ok) => Assert.Equal(ok, Ipv6.TryParse(text, out _));

    [Theory]
    [InlineData("2001:db8::/32", "2001:db8::/32", true)]
    [InlineData("2001:db8::1/32", "2001:db8::/32", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", true)]
    [InlineData("10.0.0.1", "10.0.0.1", true)]
    public void Networks_print_canonically(string text, string network, bool aligned)
    {
        Assert.True(IpNetwork.TryParse(text, out var parsed));
        Assert.Equal(network, parsed.NetworkText);
        Assert.Equal(aligned, parsed.IsNetworkAligned);
    }

    [Theory]
    [InlineData("2001:db8::/129")]
    [InlineData("2001:db8::/064")]
    [InlineData("2001:db8::/")]
    [InlineData("10.0.0.0/33")]
    public void Bad_prefix_lengths_are_refused(string text) => Assert.False(IpNetwork.TryParse(text, out _));
}

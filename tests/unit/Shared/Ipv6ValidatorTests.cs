using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class Ipv6ValidatorTests
{
    private static readonly Pinhole Valid = new(1, "nas ssh", true, ForwardProtocol.Tcp, 22, null, "::10", null, null);

    [Theory]
    [InlineData(null, true)]
    [InlineData("auto", true)]
    [InlineData("2001:db8:1::1/64", true)]
    [InlineData("fd00:1::1/64", true)]
    [InlineData("2001:db8:1::/64", false)]
    [InlineData("2001:db8:1::1/56", false)]
    [InlineData("2001:db8:1::1", false)]
    [InlineData("fe80::1/64", false)]
    [InlineData("::ffff:192.168.1.1/64", false)]
    [InlineData("2001:db8:1::1%br-lan/64", false)]
    [InlineData("[2001:db8:1::1]/64", false)]
    [InlineData("Auto", false)]
    [InlineData("2001:db8:1::1/64\"; flush ruleset", false)]
    public void The_lan_ipv6_setting_is_off_auto_or_a_host_in_a_64(string? value, bool ok)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateLanIpv6(value, errors, "lanIpv6");
        Assert.Equal(ok, errors.IsValid);
    }

    public static TheoryData<string, Pinhole, string?> Pinholes => new()
    {
        { "suffix", Valid, null },
        { "small suffix (not an IPv4-compatible address here)", Valid with { HostSuffix = "::1:2" }, null },
        { "eui-64 suffix", Valid with { HostSuffix = "::a00:27ff:fe4e:66a1" }, null },
        { "mac", Valid with { HostSuffix = null, Mac = "AA-BB-CC-00-00-10" }, null },
        { "range udp", Valid with { Protocol = ForwardProtocol.Udp, PortEnd = 30 }, null },
        { "source", Valid with { SourceCidr = "2001:db8:99::/48" }, null },
        { "neither", Valid with { HostSuffix = null }, "hostSuffix" },
        { "both", Valid with { Mac = "aa:bb:cc:00:00:10" }, "mac" },
        { "suffix with prefix bits", Valid with { HostSuffix = "2001:db8::10" }, "hostSuffix" },
        { "zero suffix", Valid with { HostSuffix = "::" }, "hostSuffix" },
        { "zone", Valid with { HostSuffix = "::10%eth0" }, "hostSuffix" },
        { "v4 mapped", Valid with { HostSuffix = "::ffff:10.0.0.1" }, "hostSuffix" },
        { "v4", Valid with { HostSuffix = "10.0.0.1" }, "hostSuffix" },
        { "group mac", Valid with { HostSuffix = null, Mac = "33:33:00:00:00:01" }, "mac" },
        { "source v4", Valid with { SourceCidr = "203.0.113.0/24" }, "sourceCidr" },
        { "source host bits", Valid with { SourceCidr = "2001:db8::1/32" }, "sourceCidr" },
        { "port 0", Valid with { Port = 0 }, "port" },
        { "end below", Valid with { PortEnd = 10 }, "portEnd" },
        { "name", Valid with { Name = "a\nb" }, "name" },
    };

    [Theory]
    [MemberData(nameof(Pinholes))]
    public void Each_pinhole_field_is_checked(string because, Pinhole pinhole, string? badField)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidatePinhole(pinhole, errors);
        if (badField is null)
        {
            Assert.True(errors.IsValid, $"{because}: {errors}");
        }
        else
        {
            Assert.True(errors.Has(badField), $"{because}: expected {badField}, got {errors}");
        }
    }
}

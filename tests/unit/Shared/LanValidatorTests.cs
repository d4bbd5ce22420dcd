using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class LanValidatorTests
{
    private static readonly NetworkSettings Lan = new("wan0", "br-lan", "192.168.1.1/24");

    private static readonly DhcpSettings ValidDhcp = new(true, "192.168.1.100", "192.168.1.249");

    private static readonly StaticLease ValidLease = new(1, "nas", "aa:bb:cc:00:11:22", "192.168.1.10");

    // What must never reach dnsmasq's generated files: each would end a line, start a comment or a new option.
    public static TheoryData<string> Hostile => ["nas\nserver=1.2.3.4", "nas#x", "nas,1.2.3.4", "nas=1", "nas x", "nas\r", "", "-nas", "nas-", "näs"];

    public static TheoryData<string, DhcpSettings, string?> Dhcp => new()
    {
        { "valid", ValidDhcp, null },
        { "one address", ValidDhcp with { RangeEnd = "192.168.1.100" }, null },
        { "off without a range", DhcpSettings.Off, null },
        { "lease 120", ValidDhcp with { LeaseSeconds = 120 }, null },
        { "lease a year", ValidDhcp with { LeaseSeconds = 31536000 }, null },
        { "domain with digits", ValidDhcp with { Domain = "home-1" }, null },
        { "lease 119", ValidDhcp with { LeaseSeconds = 119 }, "leaseSeconds" },
        { "lease over a year", ValidDhcp with { LeaseSeconds = 31536001 }, "leaseSeconds" },
        { "dotted domain", ValidDhcp with { Domain = "home.arpa" }, "domain" },
        { "domain with newline", ValidDhcp with { Domain = "lan\nserver=9.9.9.9" }, "domain" },
        { "domain ending in a newline", ValidDhcp with { Domain = "lan\n" }, "domain" },
        { "start outside the lan", ValidDhcp with { RangeStart = "192.168.2.100" }, "rangeStart" },
        { "start is the network", ValidDhcp with { RangeStart = "192.168.1.0" }, "rangeStart" },
        { "end is broadcast", ValidDhcp with { RangeEnd = "192.168.1.255" }, "rangeEnd" },
        { "end below start", ValidDhcp with { RangeStart = "192.168.1.200", RangeEnd = "192.168.1.100" }, "rangeEnd" },
        { "range from .2", ValidDhcp with { RangeStart = "192.168.1.2", RangeEnd = "192.168.1.200" }, null },
        { "start is the router", ValidDhcp with { RangeStart = "192.168.1.1" }, "rangeStart" },
        { "enabled without a range", ValidDhcp with { RangeStart = null }, "rangeStart" },
        { "start with text", ValidDhcp with { RangeStart = "192.168.1.100,proxy" }, "rangeStart" },
    };

    [Theory]
    [MemberData(nameof(Dhcp))]
    public void DhcpSettingsAreCheckedFieldByField(string because, DhcpSettings dhcp, string? field)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateDhcp(dhcp, Lan, errors);
        Assert.True(field is null ? errors.IsValid : errors.Has(field), $"{because}: {errors}");
    }

    [Fact]
    public void ARangeAroundTheRoutersOwnAddressIsRefused()
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateDhcp(ValidDhcp with { RangeStart = "192.168.1.100", RangeEnd = "192.168.1.200" }, Lan with { LanAddress = "192.168.1.150/24" }, errors);
        Assert.True(errors.Has("rangeEnd"));
    }

    public static TheoryData<string, StaticLease, string?> Leases => new()
    {
        { "valid", ValidLease, null },
        { "dash form mac", ValidLease with { Mac = "AA-BB-CC-00-11-22" }, null },
        { "upper case name", ValidLease with { Name = "NAS-2" }, null },
        { "63 characters", ValidLease with { Name = new string('a', 63) }, null },
        { "64 characters", ValidLease with { Name = new string('a', 64) }, "name" },
        { "dotted name", ValidLease with { Name = "nas.lan" }, "name" },
        { "broadcast mac", ValidLease with { Mac = "ff:ff:ff:ff:ff:ff" }, "mac" },
        { "mac with text", ValidLease with { Mac = "aa:bb:cc:00:11:22,set:x" }, "mac" },
        { "router's address", ValidLease with { Address = "192.168.1.1" }, "address" },
        { "outside the lan", ValidLease with { Address = "10.0.0.5" }, "address" },
        { "address with text", ValidLease with { Address = "192.168.1.10\ndhcp-range=1" }, "address" },
        { "negative id", ValidLease with { Id = -2 }, "id" },
        { "the router's own name", ValidLease with { Name = "Router" }, "name" },
        { "a name that only starts like the router's", ValidLease with { Name = "router2" }, null },
    };

    [Theory]
    [MemberData(nameof(Leases))]
    public void StaticLeasesAreCheckedFieldByField(string because, StaticLease lease, string? field)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateStaticLease(lease, Lan, errors);
        Assert.True(field is null ? errors.IsValid : errors.Has(field), $"{because}: {errors}");
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void HostileTextIsRefusedInEveryLanField(string text)
    {
        var config = Config() with
        {
            Dhcp = ValidDhcp with { Domain = text, RangeStart = text },
            StaticLeases = [ValidLease with { Name = text, Mac = text, Address = text }],
            Dns = new DnsSettings(true, [text], [new DnsHost(text, text)]),
        };

        var errors = ConfigValidator.Validate(config);

        foreach (var field in new[] { "dhcp.domain", "dhcp.rangeStart", "staticLeases[0].name", "staticLeases[0].mac", "staticLeases[0].address", "dns.upstream[0]", "dns.hosts[0].name", "dns.hosts[0].address" })
        {
            Assert.True(errors.Has(field), $"{field} took {text}");
        }
    }

    [Fact]
    public void EnabledLeasesMayNotShareAMacAnAddressOrANameInAnyCase()
    {
        var config = Config() with
        {
            StaticLeases =
            [
                ValidLease,
                ValidLease with { Id = 2, Mac = "AA-BB-CC-00-11-22", Name = "other", Address = "192.168.1.11" },
                ValidLease with { Id = 3, Mac = "aa:bb:cc:00:11:23", Name = "NAS", Address = "192.168.1.12" },
                ValidLease with { Id = 4, Mac = "aa:bb:cc:00:11:24", Name = "fourth", Address = "192.168.1.10" },
                ValidLease with { Id = 5, Enabled = false },
            ],
        };

        var errors = ConfigValidator.Validate(config);

        Assert.True(errors.Has("staticLeases[1].mac"));
        Assert.True(errors.Has("staticLeases[2].name"));
        Assert.True(errors.Has("staticLeases[3].address"));
        Assert.False(errors.Has("staticLeases[4].mac"), "a disabled lease conflicts with nothing");
    }

    [Theory]
    [InlineData("9.9.9.9", true)]
    [InlineData("2620:fe::fe", true)]
    [InlineData("fe80::1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("9.9.9.9#53", false)]
    public void UpstreamServersAreUnicastAddresses(string server, bool valid)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateDns(new DnsSettings(true, [server]), errors);
        Assert.Equal(valid, errors.IsValid);
    }

    [Theory]
    [InlineData("printer", true)]
    [InlineData("printer.home.arpa", true)]
    [InlineData("printer..lan", false)]
    [InlineData("printer.", false)]
    [InlineData("*.lan", false)]
    public void LocalNamesAreDnsNames(string name, bool valid)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateDns(new DnsSettings(true, [], [new DnsHost(name, "192.168.1.5")]), errors);
        Assert.Equal(valid, errors.IsValid);
    }

    [Fact]
    public void AnExtraNameMayNotBeTheRoutersBareOrUnderTheLanDomain()
    {
        var config = Config() with
        {
            Dhcp = ValidDhcp with { Domain = "home" },
            Dns = new DnsSettings(true, [], [new DnsHost("router", "192.168.1.5"), new DnsHost("ROUTER.home", "192.168.1.6"), new DnsHost("router.example.net", "192.168.1.7")]),
        };

        var errors = ConfigValidator.Validate(config);

        Assert.True(errors.Has("dns.hosts[0].name"));
        Assert.True(errors.Has("dns.hosts[1].name"));
        Assert.False(errors.Has("dns.hosts[2].name"), "a name under another domain is the owner's business");
    }

    [Fact]
    public void ASnapshotWithoutLanServicesHasThemOff()
    {
        var config = Config();
        Assert.False(config.Dhcp.Enabled);
        Assert.False(config.Dns.Enabled);
        Assert.Empty(config.StaticLeases);
        Assert.True(ConfigValidator.Validate(config).IsValid);
    }

    [Theory]
    [InlineData("192.168.1.1/24", "192.168.1.100", "192.168.1.249")]
    [InlineData("10.0.0.1/16", "10.0.128.0", "10.0.255.254")]
    [InlineData("10.0.0.1/30", "10.0.0.2", "10.0.0.2")]
    [InlineData("192.168.1.200/24", "192.168.1.100", "192.168.1.199")]
    public void SetupsDefaultRangeIsTheUpperPartOfTheHostsAndNeverTheRouter(string lan, string start, string end)
    {
        Assert.Equal((start, end), DhcpSettings.DefaultRange(lan));
    }

    [Fact]
    public void ALanChangeMovesTheRangeToTheSameHostNumbersOrClipsIt()
    {
        var dhcp = ValidDhcp with { RangeStart = "192.168.1.50", RangeEnd = "192.168.1.60" };

        var moved = dhcp.MovedTo("192.168.1.1/24", "10.9.8.1/24");
        Assert.Equal(("10.9.8.50", "10.9.8.60"), (moved.RangeStart, moved.RangeEnd));

        var clipped = dhcp.MovedTo("192.168.1.1/24", "10.9.8.1/26");
        Assert.Equal(("10.9.8.50", "10.9.8.60"), (clipped.RangeStart, clipped.RangeEnd));

        var small = dhcp.MovedTo("192.168.1.1/24", "10.9.8.1/27");
        Assert.Equal(("10.9.8.30", "10.9.8.30"), (small.RangeStart, small.RangeEnd));

        Assert.True(ConfigValidator.Validate(Config() with { Network = Lan with { LanAddress = "10.9.8.1/27" }, Dhcp = small }).IsValid);
    }

    private static GatewayConfig Config() =>
        new(Lan, [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default);
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class ConfigValidatorTests
{
    private static readonly NetworkSettings Lan = new("ppp*", "br-lan", "192.168.1.1/24");

    private static readonly PortForward ValidForward = new(
        1, "ssh", true, ForwardProtocol.Tcp, 2222, null, "192.168.1.20", 22, null);

    public static TheoryData<string, PortForward, string?> Forwards => new()
    {
        { "valid", ValidForward, null },
        { "range", ValidForward with { ExternalPortEnd = 2230 }, null },
        { "both", ValidForward with { Protocol = ForwardProtocol.Both }, null },
        { "hostile printable name", ValidForward with { Name = "\"} ; flush ruleset ; {\"" }, null },
        { "source cidr", ValidForward with { SourceCidr = "203.0.113.0/24" }, null },
        { "source host", ValidForward with { SourceCidr = "203.0.113.9" }, null },
        { "ftp on tcp", ValidForward with { FtpHelper = true }, null },
        { "log level", ValidForward with { LogLevel = FirewallLogLevel.Warn }, null },
        { "negative id", ValidForward with { Id = -1 }, "id" },
        { "empty name", ValidForward with { Name = "" }, "name" },
        { "newline name", ValidForward with { Name = "ssh\nadd rule inet gateway input accept" }, "name" },
        { "null name", ValidForward with { Name = null! }, "name" },
        { "protocol out of enum", ValidForward with { Protocol = (ForwardProtocol)7 }, "protocol" },
        { "port 0", ValidForward with { ExternalPort = 0 }, "externalPort" },
        { "port 65536", ValidForward with { ExternalPort = 65536 }, "externalPort" },
        { "end below start", ValidForward with { ExternalPortEnd = 2000 }, "externalPortEnd" },
        { "end past 65535", ValidForward with { ExternalPortEnd = 70000 }, "externalPortEnd" },
        { "range over 1024", ValidForward with { ExternalPort = 1000, ExternalPortEnd = 2024, InternalPort = null }, "externalPortEnd" },
        { "range of exactly 1024", ValidForward with { ExternalPort = 1000, ExternalPortEnd = 2023, InternalPort = null }, null },
        { "internal port 0", ValidForward with { InternalPort = 0 }, "internalPort" },
        { "internal range past 65535", ValidForward with { ExternalPortEnd = 2230, InternalPort = 65530 }, "internalPort" },
        { "address not ipv4", ValidForward with { InternalAddress = "nas.local" }, "internalAddress" },
        { "address with nft", ValidForward with { InternalAddress = "192.168.1.20 } accept" }, "internalAddress" },
        { "address outside lan", ValidForward with { InternalAddress = "192.168.2.20" }, "internalAddress" },
        { "address is the router", ValidForward with { InternalAddress = "192.168.1.1" }, "internalAddress" },
        { "address is the network", ValidForward with { InternalAddress = "192.168.1.0" }, "internalAddress" },
        { "address is broadcast", ValidForward with { InternalAddress = "192.168.1.255" }, "internalAddress" },
        { "source with host bits", ValidForward with { SourceCidr = "203.0.113.9/24" }, "sourceCidr" },
        { "source garbage", ValidForward with { SourceCidr = "0/0; drop" }, "sourceCidr" },
        { "ftp on udp", ValidForward with { Protocol = ForwardProtocol.Udp, FtpHelper = true }, "ftpHelper" },
        { "ftp on both", ValidForward with { Protocol = ForwardProtocol.Both, FtpHelper = true }, "ftpHelper" },
        { "log level out of enum", ValidForward with { LogLevel = (FirewallLogLevel)42 }, "logLevel" },
    };

    [Theory]
    [MemberData(nameof(Forwards))]
    public void Port_forward_fields_are_checked_one_by_one(string description, PortForward forward, string? field)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidatePortForward(forward, Lan, errors);
        if (field is null)
        {
            Assert.True(errors.IsValid, $"{description}: {errors}");
        }
        else
        {
            Assert.True(errors.Has(field), $"{description}: expected an error on {field}, got {errors}");
        }
    }

    public static TheoryData<NetworkSettings, string?> Networks => new()
    {
        { Lan, null },
        { new NetworkSettings("eth0", "eth1", "10.0.0.1/8"), null },
        { new NetworkSettings("eth0", "eth1", "172.16.0.1/30"), null },
        { new NetworkSettings("eth0;", "eth1", "10.0.0.1/8"), "wanInterface" },
        { new NetworkSettings("eth0", "eth1\n", "10.0.0.1/8"), "lanInterface" },
        { new NetworkSettings("eth0", "br*", "10.0.0.1/8"), "lanInterface" },
        { new NetworkSettings("eth0", "eth0", "10.0.0.1/8"), "lanInterface" },
        { new NetworkSettings("br*", "br-lan", "10.0.0.1/8"), "wanInterface" },
        { new NetworkSettings("br-lan*", "br-lan", "10.0.0.1/8"), "wanInterface" },
        { new NetworkSettings("b*", "br-lan", "10.0.0.1/8"), "wanInterface" },
        { new NetworkSettings("eth*", "br-lan", "10.0.0.1/8"), null },
        { new NetworkSettings("br-lan2*", "br-lan", "10.0.0.1/8"), null },
        { new NetworkSettings(null!, "eth1", "10.0.0.1/8"), "wanInterface" },
        { new NetworkSettings("eth0", "eth1", "10.0.0.1"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "10.0.0.0/8"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "10.255.255.255/8"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "10.0.0.1/31"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "10.0.0.1/7"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "127.0.0.1/8"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "169.254.0.1/16"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "224.0.0.1/24"), "lanAddress" },
        { new NetworkSettings("eth0", "eth1", "192.168.1.1/24 accept"), "lanAddress" },
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Network_fields_are_checked(NetworkSettings network, string? field)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateNetwork(network, errors);
        if (field is null)
        {
            Assert.True(errors.IsValid, errors.ToString());
        }
        else
        {
            Assert.True(errors.Has(field), $"expected an error on {field}, got {errors}");
        }
    }

    [Theory]
    [InlineData("", "eth1", "10.0.0.1/8", "wanInterface", "The WAN interface is required.")]
    [InlineData("eth0", "", "10.0.0.1/8", "lanInterface", "The LAN interface is required.")]
    [InlineData("eth0", "  ", "10.0.0.1/8", "lanInterface", "The LAN interface is required.")]
    [InlineData("eth0", "eth1", "", "lanAddress", "The LAN address and prefix are required.")]
    public void An_empty_network_field_is_named_as_required(string wan, string lan, string address, string field, string message)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateNetwork(new NetworkSettings(wan, lan, address), errors);
        Assert.Equal([message], errors.ToDictionary()[field]);
    }

    [Fact]
    public void The_LAN_interface_message_does_not_offer_the_wildcard_it_refuses()
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateNetwork(new NetworkSettings("eth0", "bad name", "10.0.0.1/8"), errors);
        var message = Assert.Single(errors.ToDictionary()["lanInterface"]);
        Assert.StartsWith("The LAN interface", message, StringComparison.Ordinal);
        Assert.DoesNotContain("*", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aa:bb:cc:dd:ee:ff", "tablet", null)]
    [InlineData("AA-BB-CC-DD-EE-FF", "tablet \"{;}\"", null)]
    [InlineData("aa:bb:cc:dd:ee", "tablet", "mac")]
    [InlineData("aa:bb:cc:dd:ee:ff; drop", "tablet", "mac")]
    [InlineData("01:00:5e:00:00:01", "multicast", "mac")]
    [InlineData("aa:bb:cc:dd:ee:ff", "", "name")]
    [InlineData("aa:bb:cc:dd:ee:ff", "two\nlines", "name")]
    public void Mac_filter_fields_are_checked(string mac, string name, string? field)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateMacFilter(new MacFilter(1, mac, name), errors);
        if (field is null)
        {
            Assert.True(errors.IsValid, errors.ToString());
        }
        else
        {
            Assert.True(errors.Has(field), $"expected an error on {field}, got {errors}");
        }
    }

    public static TheoryData<LoggingPolicy, string?> Loggings => new()
    {
        { LoggingPolicy.Default, null },
        { new LoggingPolicy(FirewallLogLevel.Emerg, FirewallLogLevel.Debug, FirewallLogLevel.Warn, FirewallLogLevel.Info, 10000, 10000), null },
        { LoggingPolicy.Default with { DroppedInput = (FirewallLogLevel)9 }, "droppedInput" },
        { LoggingPolicy.Default with { DroppedForward = (FirewallLogLevel)(-1) }, "droppedForward" },
        { LoggingPolicy.Default with { PortForwards = (FirewallLogLevel)100 }, "portForwards" },
        { LoggingPolicy.Default with { MacFilter = (FirewallLogLevel)9 }, "macFilter" },
        { LoggingPolicy.Default with { RatePerMinute = 0 }, "ratePerMinute" },
        { LoggingPolicy.Default with { RatePerMinute = 10001 }, "ratePerMinute" },
        { LoggingPolicy.Default with { Burst = 0 }, "burst" },
        { LoggingPolicy.Default with { Burst = 10001 }, "burst" },
    };

    [Theory]
    [MemberData(nameof(Loggings))]
    public void Logging_fields_are_checked(LoggingPolicy policy, string? field)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateLogging(policy, errors);
        if (field is null)
        {
            Assert.True(errors.IsValid, errors.ToString());
        }
        else
        {
            Assert.True(errors.Has(field), $"expected an error on {field}, got {errors}");
        }
    }

    [Fact]
    public void A_whole_config_reports_overlaps_duplicates_and_nested_paths()
    {
        var config = new GatewayConfig(
            Lan,
            [
                ValidForward,
                ValidForward with { Id = 2, ExternalPort = 2200, ExternalPortEnd = 2300, Protocol = ForwardProtocol.Both },
                ValidForward with { Id = 2, ExternalPort = 3000, InternalAddress = "10.0.0.1" },
                ValidForward with { Id = 4, Enabled = false },
            ],
            [new MacFilter(1, "aa:bb:cc:dd:ee:ff", "a"), new MacFilter(2, "AA-BB-CC-DD-EE-FF", "b")],
            new MacPolicy(MacFilterMode.DenyListed),
            LoggingPolicy.Default);

        var errors = ConfigValidator.Validate(config);

        Assert.True(errors.Has("portForwards[1].externalPort"), errors.ToString()); // overlaps [0]
        Assert.False(errors.Has("portForwards[3].externalPort"), errors.ToString()); // disabled: may overlap
        Assert.True(errors.Has("portForwards[2].id"), errors.ToString());
        Assert.True(errors.Has("portForwards[2].internalAddress"), errors.ToString());
        Assert.True(errors.Has("macFilters[1].mac"), errors.ToString());
    }

    [Fact]
    public void A_whole_config_with_missing_parts_reports_them_instead_of_throwing()
    {
        var errors = ConfigValidator.Validate(new GatewayConfig(null!, null!, null!, null!, null!));
        foreach (var field in new[] { "network", "portForwards", "macFilters", "macPolicy.mode", "logging" })
        {
            Assert.True(errors.Has(field), $"{field}: {errors}");
        }

        Assert.True(ConfigValidator.Validate(null).Has("config"));
    }

    [Theory]
    [InlineData(ForwardProtocol.Tcp, ForwardProtocol.Tcp, 100, 100, true)]
    [InlineData(ForwardProtocol.Tcp, ForwardProtocol.Udp, 100, 100, false)]
    [InlineData(ForwardProtocol.Both, ForwardProtocol.Udp, 100, 109, true)]
    [InlineData(ForwardProtocol.Tcp, ForwardProtocol.Both, 100, 110, false)]
    public void Overlap_needs_a_shared_protocol_and_intersecting_ranges(ForwardProtocol a, ForwardProtocol b, int aStart, int bStart, bool overlaps)
    {
        var first = ValidForward with { Protocol = a, ExternalPort = aStart, ExternalPortEnd = aStart + 9 };
        var second = ValidForward with { Id = 2, Protocol = b, ExternalPort = bStart };
        Assert.Equal(overlaps, first.OverlapsWith(second));
        Assert.Equal(overlaps ? 0 : -1, ConfigValidator.FindOverlap(second, [first]));
    }
}

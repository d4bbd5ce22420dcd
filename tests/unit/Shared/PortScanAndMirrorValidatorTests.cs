using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class PortScanAndMirrorValidatorTests
{
    private static readonly Mirror Good = new(1, "lan copy", true, "br-lan", MirrorDirection.Both, null, null, "mon0");

    private static IReadOnlyCollection<string> ProtectionErrors(PortScanProtection scan)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateProtection(Protection.Default with { PortScan = scan }, errors, "protection");
        return [.. errors.ToDictionary().Keys];
    }

    private static IReadOnlyCollection<string> MirrorErrors(Mirror mirror)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateMirror(mirror, errors);
        return [.. errors.ToDictionary().Keys];
    }

    [Fact]
    public void Port_scan_protection_is_off_by_default_with_the_documented_values()
    {
        Assert.Equal(new PortScanProtection(false, 10, 10, 600), Protection.Default.PortScanOrOff);
        Assert.Empty(ProtectionErrors(PortScanProtection.Off));
        // A snapshot from before port-scan protection (no portScan) is valid and means off.
        Assert.Empty(ProtectionErrors(null!));
        Assert.False((Protection.Default with { PortScan = null }).PortScanOrOff.Enabled);
    }

    [Theory]
    [InlineData(1, 10, 600, "protection.portScan.ports")]
    [InlineData(1025, 10, 600, "protection.portScan.ports")]
    [InlineData(10, 0, 600, "protection.portScan.withinSeconds")]
    [InlineData(10, 3601, 600, "protection.portScan.withinSeconds")]
    [InlineData(10, 10, 0, "protection.portScan.blockSeconds")]
    [InlineData(10, 10, 604801, "protection.portScan.blockSeconds")]
    public void A_port_scan_value_out_of_range_names_its_field(int ports, int within, int block, string field) =>
        Assert.Equal([field], ProtectionErrors(new PortScanProtection(true, ports, within, block)));

    [Fact]
    public void A_plain_mirror_is_valid() => Assert.Empty(MirrorErrors(Good));

    [Theory]
    [InlineData("", "br-lan", "mon0", null, null, "name")]
    [InlineData("m", "eth*", "mon0", null, null, "interface")]
    [InlineData("m", "br-lan", "mon 0", null, null, "toInterface")]
    [InlineData("m", "br-lan", "br-lan", null, null, "toInterface")]
    [InlineData("m", "br-lan", "mon0", "192.168.1.0/33", null, "source")]
    [InlineData("m", "br-lan", "mon0", null, "not-a-network", "destination")]
    [InlineData("m", "br-lan", "mon0", "192.168.1.0/24", "2001:db8::/64", "destination")]
    public void A_bad_mirror_field_is_named(string name, string link, string to, string? source, string? destination, string field) =>
        Assert.Equal([field], MirrorErrors(Good with { Name = name, Interface = link, ToInterface = to, Source = source, Destination = destination }));

    [Fact]
    public void An_undefined_direction_is_named() =>
        Assert.Equal(["direction"], MirrorErrors(Good with { Direction = (MirrorDirection)7 }));

    [Fact]
    public void Two_enabled_mirrors_copying_into_each_others_links_are_refused_on_the_config()
    {
        var config = new GatewayConfig(new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default)
        {
            Mirrors = [Good, Good with { Id = 2, Interface = "mon0", ToInterface = "br-lan" }],
        };
        Assert.Contains("mirrors[0].toInterface", ConfigValidator.Validate(config).ToDictionary().Keys);

        var oneOff = config with { Mirrors = [Good, Good with { Id = 2, Enabled = false, Interface = "mon0", ToInterface = "br-lan" }] };
        Assert.True(ConfigValidator.Validate(oneOff).IsValid, ConfigValidator.Validate(oneOff).ToString());
    }
}

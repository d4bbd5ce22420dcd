using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class UpnpValidatorTests
{
    private static readonly NetworkSettings Network = new("wan0", "br-lan", "192.168.1.1/24");

    private static ValidationErrors Check(UpnpSettings upnp, NetworkSettings? network = null)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateUpnp(upnp, network ?? Network, errors, prefix: "");
        return errors;
    }

    [Fact]
    public void The_defaults_are_off_secure_and_deny_the_usual_ports()
    {
        var upnp = UpnpSettings.Default;
        Assert.False(upnp.Enabled);
        Assert.True(upnp.SecureMode);
        Assert.Equal("1024-65535", upnp.AllowedPorts);
        Assert.Equal(["21", "23", "135", "137-139", "445", "3389"], upnp.DeniedPorts.Select(p => p.ToString()));
        Assert.Equal(86400, upnp.LeaseSeconds);
        Assert.True(Check(upnp).IsValid);
    }

    [Theory]
    [InlineData("0-100", "allowedPorts")]
    [InlineData("100-99", "allowedPorts")]
    [InlineData("1024-65536", "allowedPorts")]
    [InlineData(" 1024", "allowedPorts")]
    [InlineData("1024-", "allowedPorts")]
    [InlineData("all", "allowedPorts")]
    public void A_bad_allowed_range_names_its_field(string allowed, string field) =>
        Assert.Contains(field, Check(new UpnpSettings(AllowedPorts: allowed)).ToDictionary().Keys);

    [Fact]
    public void Bad_denied_entries_lease_times_and_a_wildcard_wan_name_their_fields()
    {
        Assert.Contains("deniedPorts[1]", Check(new UpnpSettings(DeniedPorts: [new(21, 21), PortSpan.Invalid])).ToDictionary().Keys);
        Assert.Contains("deniedPorts", Check(new UpnpSettings(DeniedPorts: Enumerable.Repeat(new PortSpan(1, 1), 65).ToList())).ToDictionary().Keys);
        Assert.Contains("leaseSeconds", Check(new UpnpSettings(LeaseSeconds: 119)).ToDictionary().Keys);
        Assert.Contains("leaseSeconds", Check(new UpnpSettings(LeaseSeconds: 604801)).ToDictionary().Keys);
        Assert.Contains("enabled", Check(new UpnpSettings(Enabled: true), Network with { WanInterface = "ppp*" }).ToDictionary().Keys);
        Assert.True(Check(new UpnpSettings(Enabled: false), Network with { WanInterface = "ppp*" }).IsValid);
    }

    [Fact]
    public void Denied_ports_read_numbers_and_range_strings_and_anything_else_as_invalid()
    {
        var read = JsonSerializer.Deserialize<UpnpSettings>("""{"deniedPorts":[21,"137-139","x",{"a":1},70000,"5-"]}""", JsonSerializerOptions.Web)!;

        Assert.Equal([new(21, 21), new(137, 139), PortSpan.Invalid, PortSpan.Invalid, new(70000, 70000), PortSpan.Invalid], read.DeniedPorts);
        Assert.Equal(["deniedPorts[2]", "deniedPorts[3]", "deniedPorts[4]", "deniedPorts[5]"], Check(read).ToDictionary().Keys.Order());
        Assert.Equal("""[21,"137-139"]""", JsonSerializer.Serialize<IReadOnlyList<PortSpan>>([new(21, 21), new(137, 139)]));
        // The agent's source-generated reader takes the same shapes.
        var config = JsonSerializer.Deserialize("""{"network":{"wanInterface":"w","lanInterface":"l","lanAddress":"192.168.1.1/24"},"portForwards":[],"macFilters":[],"macPolicy":{"mode":"off"},"logging":{},"upnp":{"enabled":true,"deniedPorts":[22,"6000-6010"]}}""", AgentJsonContext.Default.GatewayConfig)!;
        Assert.Equal([new(22, 22), new(6000, 6010)], config.Upnp.DeniedPorts);
        Assert.True(config.Upnp.Enabled);
    }
}

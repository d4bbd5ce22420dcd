using Gateway.Agent;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Unit.Agent;

public sealed class AgentOptionsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Defaults_apply_when_nothing_is_configured()
    {
        Assert.True(AgentOptions.TryRead(Configuration(), out var options, out _));

        Assert.Equal("/run/gateway/agent.sock", options.SocketPath);
        Assert.Equal("/var/lib/gateway/agent", options.StateDir);
        Assert.Equal([0u], options.AllowedUids);
    }

    [Fact]
    public void Configured_values_are_read_and_duplicate_uids_collapse()
    {
        var ok = AgentOptions.TryRead(
            Configuration(("Agent:SocketPath", "/tmp/x/agent.sock"), ("Agent:StateDir", "/tmp/x/state"), ("Agent:AllowedUids:0", "0"), ("Agent:AllowedUids:1", "1000"), ("Agent:AllowedUids:2", "1000")),
            out var options,
            out _);

        Assert.True(ok);
        Assert.Equal("/tmp/x/agent.sock", options.SocketPath);
        Assert.Equal("/tmp/x/state", options.StateDir);
        Assert.Equal([0u, 1000u], options.AllowedUids);
    }

    [Theory]
    [InlineData("Agent:SocketPath", "relative.sock", "Agent:SocketPath")]
    [InlineData("Agent:StateDir", "state", "Agent:StateDir")]
    [InlineData("Agent:AllowedUids:0", "root", "Agent:AllowedUids:0")]
    [InlineData("Agent:DnsmasqDir", "dnsmasq", "Agent:DnsmasqDir")]
    [InlineData("FirstBoot:LanInterface", "eth1\" x", "FirstBoot:LanInterface")]
    [InlineData("Agent:AllowedUids:0", "-1", "Agent:AllowedUids:0")]
    public void Bad_values_give_a_one_line_reason_naming_the_key(string key, string value, string named)
    {
        Assert.False(AgentOptions.TryRead(Configuration((key, value)), out _, out var error));

        Assert.Contains(named, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void A_socket_path_longer_than_sun_path_is_refused()
    {
        Assert.False(AgentOptions.TryRead(Configuration(("Agent:SocketPath", "/" + new string('a', 120))), out _, out var error));
        Assert.Contains("107", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dnsmasq_directory_and_first_boot_lan_have_defaults_and_first_boot_is_off_without_an_interface()
    {
        Assert.True(AgentOptions.TryRead(Configuration(("FirstBoot:LanAddress", "10.0.0.1/24")), out var off, out _));
        Assert.Equal("/var/lib/gateway/dnsmasq", off.DnsmasqDir);
        Assert.Null(off.FirstBoot);

        Assert.True(AgentOptions.TryRead(Configuration(("FirstBoot:LanInterface", "eth1")), out var on, out _));
        Assert.Equal(new Gateway.Shared.Protocol.FirstBootLan("eth1", "192.168.1.1/24"), on.FirstBoot);
    }

    [Theory]
    [InlineData("192.168.1.0/24")]
    [InlineData("192.168.1.1")]
    [InlineData("192.168.1.1/31")]
    [InlineData("bogus")]
    public void A_first_boot_address_that_is_not_a_host_with_its_prefix_is_refused(string address)
    {
        Assert.False(AgentOptions.TryRead(Configuration(("FirstBoot:LanInterface", "eth1"), ("FirstBoot:LanAddress", address)), out _, out var error));
        Assert.Contains("FirstBoot:LanAddress", error, StringComparison.Ordinal);
    }
}

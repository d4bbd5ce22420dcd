using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.Components.Shared;

namespace Gateway.Tests.Unit.Web;

/// <summary>The panel's WAN fields: the mode the wizard suggests for a link, and the input they turn into.</summary>
public sealed class WanModelTests
{
    private static readonly LinkInfo[] Links =
    [
        new("wan0", "02:00:00:00:00:02", [], true),
        new("wan1", "02:00:00:00:00:03", ["fe80::3/64"], true),
        new("wan2", "02:00:00:00:00:04", ["203.0.113.2/24"], true),
    ];

    [Theory]
    [InlineData("wan0", WanMode.Dhcp)] // no address at all: nothing else will bring it up
    [InlineData("wan1", WanMode.Dhcp)] // only IPv6 link-local: still no IPv4 uplink
    [InlineData("wan2", WanMode.Unmanaged)] // the host's networking already numbered it
    [InlineData("ppp*", WanMode.Unmanaged)] // a wildcard can only be unmanaged
    [InlineData("eth9", WanMode.Unmanaged)] // a link the agent doesn't report: don't guess
    [InlineData("", WanMode.Unmanaged)]
    public void The_suggested_mode_is_dhcp_only_for_a_known_link_without_an_ipv4_address(string link, WanMode expected) =>
        Assert.Equal(expected, WanModel.Suggested(link, Links));

    [Fact]
    public void Without_the_agents_links_nothing_is_suggested_but_unmanaged() =>
        Assert.Equal(WanMode.Unmanaged, WanModel.Suggested("wan0", null));

    [Fact]
    public void Static_fields_are_sent_only_in_static_mode_and_the_prefix_request_only_with_a_managed_mode()
    {
        var model = new WanModel { Mode = WanMode.Dhcp, Address = "203.0.113.10/24", Gateway = "203.0.113.1", Dns = "9.9.9.9", Ipv6 = true, PrefixHint = "56" };
        Assert.Equal(Text(new WanSettings(WanMode.Dhcp, null, null, [], WanIpv6.Auto, 56)), Text(model.ToInput().ToSettings()));

        model.Mode = WanMode.Static;
        model.Dns = " 9.9.9.9, 2620:fe::fe  1.1.1.1 ";
        var settings = model.ToInput().ToSettings();
        Assert.Equal(("203.0.113.10/24", "203.0.113.1"), (settings.Address, settings.Gateway));
        Assert.Equal(["9.9.9.9", "2620:fe::fe", "1.1.1.1"], settings.Dns);

        model.Mode = WanMode.Unmanaged;
        Assert.Equal(Text(new WanSettings()), Text(model.ToInput().ToSettings()));
    }

    [Fact]
    public void A_prefix_length_that_is_no_number_reaches_the_validator_as_out_of_range()
    {
        var model = new WanModel { Mode = WanMode.Dhcp, Ipv6 = true, PrefixHint = "fifty" };
        Assert.Equal(0, model.ToInput().PrefixHint);
        Assert.Null(new WanModel { Mode = WanMode.Dhcp, Ipv6 = true, PrefixHint = " " }.ToInput().PrefixHint);
    }

    [Fact]
    public void Stored_settings_round_trip_through_the_fields()
    {
        var stored = new WanSettings(WanMode.Static, "203.0.113.10/24", "203.0.113.1", ["9.9.9.9", "1.1.1.1"], WanIpv6.Auto, 60);
        Assert.Equal(Text(stored), Text(WanModel.From(stored).ToInput().ToSettings()));
    }

    // Records compare lists by reference: compare the settings as text.
    private static string Text(WanSettings s) => $"{s.Mode}|{s.Address}|{s.Gateway}|{string.Join(",", s.Dns)}|{s.Ipv6}|{s.PrefixHint}";
}

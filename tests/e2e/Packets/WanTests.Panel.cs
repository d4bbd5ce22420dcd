using Gateway.Tests.E2e.Lab;
using Gateway.Tests.E2e.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Packets;

/// <summary>The WAN in Chromium: Settings switches the uplink to DHCP (a mode change is a trial the owner keeps) after
/// refusing a gateway off the subnet beside its field, and the dashboard's uplink card shows the lease live.</summary>
public sealed partial class WanTests
{
    [Fact]
    public async Task Settings_switches_the_wan_to_dhcp_as_a_kept_trial_and_the_dashboard_shows_the_lease()
    {
        try
        {
            await using var panel = await Panel.OpenAsync(chromium, _lab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("Settings", "Settings");
            var page = panel.Page;
            var card = page.GetByRole(AriaRole.Region, new() { Name = "WAN uplink", Exact = true });
            await Expect(card.GetByLabel("Leave it to this machine")).ToBeCheckedAsync();

            // A gateway outside the static subnet is refused beside its field, and nothing is stored.
            await card.GetByLabel("Static address").CheckAsync();
            await card.GetByLabel("WAN address and prefix").FillAsync("203.0.113.9/24");
            await card.GetByLabel("Gateway", new() { Exact = true }).FillAsync("198.51.100.1");
            await card.GetByRole(AriaRole.Button, new() { Name = "Save WAN" }).ClickAsync();
            await Expect(card.GetByText("Must be another host in the WAN's subnet 203.0.113.0/24.")).ToBeVisibleAsync();
            Assert.Equal("unmanaged", (string?)(await _api.GetJsonAsync(Wan))["mode"]);

            await card.GetByLabel("DHCP from the ISP").CheckAsync();
            await Expect(card.GetByLabel("WAN address and prefix")).ToHaveCountAsync(0);
            await card.GetByRole(AriaRole.Button, new() { Name = "Save WAN" }).ClickAsync();
            // A mode change can cut a remote owner off: the panel's save is a trial to keep.
            var banner = page.GetByTestId("confirm-banner");
            await banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" }).ClickAsync();
            await Expect(banner).ToBeHiddenAsync();
            await _lab.WaitAppliedAsync(_api);
            Assert.Equal("dhcp", (string?)(await _api.GetJsonAsync(Wan))["mode"]);

            Assert.True(await Eventually.TrueAsync(async () => (await WanIpv4Async()).StartsWith("203.0.113.1", StringComparison.Ordinal), Within), "no DHCP lease on the WAN");
            var leased = await WanIpv4Async();
            await panel.OpenFromMenuAsync("Dashboard", "Dashboard");
            var uplink = page.GetByRole(AriaRole.Region, new() { Name = "Uplink", Exact = true });
            await Expect(uplink).ToContainTextAsync("DHCP");
            await Expect(uplink).ToContainTextAsync(leased, new() { Timeout = 20_000 });
            await Expect(uplink).ToContainTextAsync("203.0.113.2");
            await Expect(uplink).ToContainTextAsync("Lease ends");
            await panel.ScreenshotAsync("dashboard-uplink");
        }
        finally
        {
            await UnmanagedAsync();
        }
    }
}

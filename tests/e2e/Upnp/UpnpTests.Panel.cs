using Gateway.Tests.E2e.Lab;
using Gateway.Tests.E2e.Ui;
using Microsoft.Playwright;
using static Gateway.Tests.E2e.Lab.Lab;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Upnp;

/// <summary>The NAT page in Chromium: UPnP turned on through its card (a risky write: the trial banner), a device's
/// mapping listed live, and closed from the page.</summary>
public sealed partial class UpnpTests
{
    [Fact]
    public async Task The_nat_page_turns_upnp_on_lists_a_devices_mapping_live_and_closes_it()
    {
        try
        {
            await using var panel = await Panel.OpenAsync(chromium, _lab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("NAT", "NAT");
            var page = panel.Page;
            var settings = page.GetByRole(AriaRole.Region, new() { Name = "UPnP, NAT-PMP and PCP", Exact = true });
            await Expect(settings.GetByLabel("Let LAN devices open ports")).Not.ToBeCheckedAsync();
            await Expect(settings.GetByLabel("Ports never opened")).ToHaveValueAsync("21, 23, 135, 137-139, 445, 3389");

            // A bad range is refused beside its field, and nothing is stored.
            await settings.GetByLabel("Ports devices may open").FillAsync("0-99");
            await settings.GetByRole(AriaRole.Button, new() { Name = "Save UPnP" }).ClickAsync();
            await Expect(settings.GetByText("A port (1–65535) or a range written first-last")).ToBeVisibleAsync();
            Assert.Equal("1024-65535", (await _api.GetJsonAsync("/api/v1/upnp"))["allowedPorts"]!.GetValue<string>());

            await settings.GetByLabel("Ports devices may open").FillAsync("1024-65535");
            await settings.GetByLabel("Let LAN devices open ports").CheckAsync();
            await settings.GetByRole(AriaRole.Button, new() { Name = "Save UPnP" }).ClickAsync();
            // It opens ports: the panel's save is a trial the owner keeps.
            var banner = page.GetByTestId("confirm-banner");
            await banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" }).ClickAsync();
            await Expect(banner).ToBeHiddenAsync();
            await _lab.WaitAppliedAsync(_api);

            await MapAsync(_lab.Lan1Ns, Lan1Ip, 8080, 18110, "TCP");
            var mappings = page.GetByRole(AriaRole.Region, new() { Name = "Ports opened by devices", Exact = true });
            var row = mappings.GetByRole(AriaRole.Row).Filter(new() { HasText = "18110/tcp" });
            await Expect(row).ToContainTextAsync($"{Lan1Ip}:8080", new() { Timeout = 20_000 });
            await Expect(row).ToContainTextAsync("test-18110");
            await panel.ScreenshotAsync("nat-upnp");

            await row.GetByRole(AriaRole.Button, new() { Name = "Close WAN port 18110/tcp" }).ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
            Assert.Empty(await MappingsAsync());
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, PublicWanIp, 18110));
        }
        finally
        {
            await SetUpnpAsync(false);
        }
    }
}

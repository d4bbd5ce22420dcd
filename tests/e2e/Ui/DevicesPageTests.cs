using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The Devices, device and Connections pages in Chromium against their own lab: a LAN host that starts talking shows
/// up on the open Devices page without a reload, "Block" stops its packets and "Unblock" lets them through again; the
/// device page draws its traffic chart with the figures as a table; the Connections page kills a held connection
/// after asking. Desktop, phone and dark screenshots of the three.
/// </summary>
public sealed class DevicesPageTests(DevicesPageTests.Fixture fixture, Chromium chromium)
    : IClassFixture<DevicesPageTests.Fixture>, IClassFixture<Chromium>
{
    public sealed class Fixture : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-devices" };
    }

    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task ALanHostAppearsLiveAndBlockStopsItsPackets()
    {
        await using var wan = TheLab.StartTcpEchoServer(TheLab.WanNs, 7800, "wan");
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Devices", "Devices");
        var page = panel.Page;
        var mac = TheLab.Lan2Mac.ToLowerInvariant();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = mac });

        // The page is open before lan2 says anything; its first connection brings it in.
        Assert.Equal("wan", await Lab.Lab.TcpExchangeAsync(TheLab.Lan2Ns, Lab.Lab.WanHostIp, 7800));
        await Expect(row).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(row.GetByRole(AriaRole.Img, new() { Name = "online" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(row).ToContainTextAsync(Lab.Lab.Lan2Ip);
        await panel.ScreenshotAsync("devices");

        await using var arriving = await NsPacketCounter.CreateAsync(TheLab, TheLab.WanNs, "blocked", "tcp dport 7800");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Block {mac}" }).ClickAsync();
        await page.GetByRole(AriaRole.Group, new() { Name = $"Block {mac}?" }).GetByRole(AriaRole.Button, new() { Name = "Yes, block" }).ClickAsync();
        await Expect(row).ToContainTextAsync("blocked");
        await TheLab.WaitAppliedAsync(Api);
        var before = await arriving.PacketsAsync();
        Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.Lan2Ns, Lab.Lab.WanHostIp, 7800, timeout: TimeSpan.FromSeconds(2)));
        Assert.Equal(before, await arriving.PacketsAsync());

        await row.GetByRole(AriaRole.Button, new() { Name = $"Unblock {mac}" }).ClickAsync();
        await Expect(row).Not.ToContainTextAsync("blocked");
        await TheLab.WaitAppliedAsync(Api);
        Assert.Equal("wan", await Lab.Lab.TcpExchangeAsync(TheLab.Lan2Ns, Lab.Lab.WanHostIp, 7800));

        // Its own page: the chart and its figures as a table.
        await row.GetByRole(AriaRole.Link, new() { Name = mac, Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = mac, Level = 1 })).ToBeVisibleAsync();
        await panel.WaitInteractiveAsync();
        await Expect(page.GetByRole(AriaRole.Img, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Traffic per hour") })).ToBeVisibleAsync();
        await Expect(page.Locator("figure.traffic-chart rect.rx").First).ToBeAttachedAsync(new() { Timeout = 20_000 });
        await page.GetByText("The figures as a table").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Table).GetByRole(AriaRole.Rowheader).First).ToBeVisibleAsync();
        await panel.ScreenshotAsync("device");
    }

    [Fact]
    public async Task TheConnectionsPageKillsAHeldConnectionAfterAsking()
    {
        await using var wan = TheLab.StartTcpEchoServer(TheLab.WanNs, 7801, "wan");
        using var held = await Lab.Lab.OpenTcpAsync(TheLab.Lan1Ns, Lab.Lab.WanHostIp, 7801);
        Assert.NotNull(held);
        Assert.Equal("wan", await held.ExchangeAsync());

        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Connections", "Connections");
        var page = panel.Page;
        await page.GetByLabel("Port").FillAsync("7801");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = $"{Lab.Lab.WanHostIp}:7801" });
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row).ToContainTextAsync(TheLab.Lan1Mac.ToLowerInvariant());
        await panel.ScreenshotAsync("connections");

        await row.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Kill connection") }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, cut it" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "was cut" })).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.Null(await held.ExchangeAsync(TimeSpan.FromSeconds(2)));

        // A bad filter is refused beside its field.
        await page.GetByLabel("Port").FillAsync("70000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.GetByText("A port from 1 to 65535.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task TheThreePagesFitAPhoneInTheDarkScheme()
    {
        await using var wan = TheLab.StartTcpEchoServer(TheLab.WanNs, 7802, "wan");
        using var held = await Lab.Lab.OpenTcpAsync(TheLab.Lan1Ns, Lab.Lab.WanHostIp, 7802);
        Assert.NotNull(held);
        Assert.Equal("wan", await held.ExchangeAsync());
        await using var phone = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth, ColorScheme.Dark);
        await phone.LoginAsync();
        var page = phone.Page;
        var mac = TheLab.Lan1Mac.ToLowerInvariant();
        foreach (var (path, heading, shot) in new[] { ("/devices", "Devices", "phone-devices"), ($"/devices/{mac}", mac, "phone-device"), ("/connections", "Connections", "phone-connections") })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await phone.WaitInteractiveAsync();
            await Expect(page.Locator("main :is(table.grid, figure)").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await phone.AssertNoSidewaysScrollAsync(heading);
            await phone.ScreenshotAsync(shot);
        }
    }
}

using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The LAN page driven in Chromium against its own lab: a static lease made and renamed through the page's own form
/// names its device on the port forwards page; the page fits a phone and every field has a visible label.
/// </summary>
public sealed class LanPageTests(LanPageTests.Fixture fixture, Chromium chromium)
    : IClassFixture<LanPageTests.Fixture>, IClassFixture<Chromium>
{
    public sealed class Fixture : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-lan" };
    }

    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task AStaticLeaseReservedOnTheLanPageAndRenamedNamesItsDeviceOnTheForwardsPage()
    {
        // A forward to LAN1 made by a script: the forwards page shows the device's name once the lease names it.
        await Api.PostJsonAsync("/api/v1/port-forwards", new { name = "ui-lan-web", protocol = "tcp", externalPort = 9480, internalAddress = Lab.Lab.Lan1Ip });

        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("LAN", "LAN");
        var page = panel.Page;

        // Setup turned DHCP on with the lab LAN's default range.
        var dhcp = Section(page, "DHCP server");
        await Expect(dhcp.GetByLabel("Serve addresses on the LAN")).ToBeCheckedAsync();
        await Expect(dhcp.GetByLabel("First address")).ToHaveValueAsync("192.168.50.100");
        await Expect(dhcp.GetByLabel("Last address")).ToHaveValueAsync("192.168.50.249");

        var leases = Section(page, "Static leases");
        await leases.GetByRole(AriaRole.Button, new() { Name = "Add static lease" }).ClickAsync();
        await Expect(leases.GetByLabel("Name", new() { Exact = true })).ToBeFocusedAsync();
        await leases.GetByLabel("Name", new() { Exact = true }).FillAsync("lab-server");
        await leases.GetByLabel("MAC address").FillAsync(TheLab.Lan1Mac.ToUpperInvariant());
        await leases.GetByLabel("Address", new() { Exact = true }).FillAsync(Lab.Lab.Lan1Ip);
        await leases.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        var row = Row(page, "lab-server");
        await Expect(row).ToContainTextAsync(TheLab.Lan1Mac.ToLowerInvariant());
        await Expect(row).ToContainTextAsync(Lab.Lab.Lan1Ip);

        // A second lease for the same MAC is refused beside the field, and nothing is stored.
        await leases.GetByRole(AriaRole.Button, new() { Name = "Add static lease" }).ClickAsync();
        await leases.GetByLabel("Name", new() { Exact = true }).FillAsync("twin");
        await leases.GetByLabel("MAC address").FillAsync(TheLab.Lan1Mac);
        await leases.GetByLabel("Address", new() { Exact = true }).FillAsync("192.168.50.77");
        await leases.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(leases.GetByText("already has the static lease")).ToBeVisibleAsync();
        await leases.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        Assert.Single(await Api.GetJsonArrayAsync("/api/v1/static-leases"));

        // Renamed.
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit lab-server" }).ClickAsync();
        await leases.GetByLabel("Name", new() { Exact = true }).FillAsync("nas");
        await leases.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(Row(page, "nas")).ToContainTextAsync(Lab.Lab.Lan1Ip);
        var stored = Assert.Single(await Api.GetJsonArrayAsync("/api/v1/static-leases"));
        Assert.Equal("nas", stored!["name"]!.GetValue<string>());
        Assert.Equal(TheLab.Lan1Mac.ToLowerInvariant(), stored["mac"]!.GetValue<string>());
        await TheLab.WaitAppliedAsync(Api);

        await panel.AssertEveryInputHasAVisibleLabelAsync("LAN");
        await panel.ScreenshotAsync("lan");

        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
        await Expect(Row(page, "ui-lan-web")).ToContainTextAsync("(nas)");
        // The add form offers the named device for its address.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add port forward" }).ClickAsync();
        var offered = page.Locator($"#pf-internal-address-devices option[value='{Lab.Lab.Lan1Ip}']");
        await Expect(offered).ToHaveAttributeAsync("label", $"nas ({TheLab.Lan1Mac.ToLowerInvariant()})");
        await Expect(page.Locator("#pf-internal-address")).ToHaveAttributeAsync("list", "pf-internal-address-devices");

        await using var phone = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth, ColorScheme.Dark);
        await phone.LoginAsync();
        await phone.OpenFromMenuAsync("LAN", "LAN");
        await Expect(Row(phone.Page, "nas")).ToBeVisibleAsync();
        await phone.AssertNoSidewaysScrollAsync("LAN");
        await phone.ScreenshotAsync("phone-lan");
    }

    [Fact]
    public async Task ALiveLeaseIsReservedFromTheLanPageWithItsMacAddressAndHostName()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        var page = panel.Page;
        // The dashboard's lease count, open before the lease exists, follows it without a reload.
        var dhcpFact = page.GetByRole(AriaRole.Definition).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("leases?$") });
        await Expect(dhcpFact).ToHaveTextAsync("0 leases");

        // A real DHCP client on LAN2 (dhcpcd, private state, no hook) takes a lease from the agent's dnsmasq.
        var address = await TheLab.DhcpLeaseAsync(TheLab.Lan2Ns, "labpc");
        Assert.NotNull(address);
        try
        {
            await Expect(dhcpFact).ToHaveTextAsync("1 lease", new() { Timeout = 20_000 });
            await panel.OpenFromMenuAsync("LAN", "LAN");

            // The live list polls the agent; the lease appears with its host name and a Reserve button.
            var reserve = page.GetByRole(AriaRole.Button, new() { Name = $"Reserve {address} for labpc", Exact = true });
            await Expect(reserve).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await reserve.ClickAsync();

            var leases = Section(page, "Static leases");
            await Expect(leases.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("labpc");
            await Expect(leases.GetByLabel("Address", new() { Exact = true })).ToHaveValueAsync(address!);
            await leases.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            // The live list keeps its own "labpc" row: look in the static leases only.
            var reserved = leases.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "labpc", Exact = true }) });
            await Expect(reserved).ToContainTextAsync(address!);

            var stored = (await Api.GetJsonArrayAsync("/api/v1/static-leases")).Single(l => l!["name"]!.GetValue<string>() == "labpc")!;
            Assert.Equal(TheLab.Lan2Mac.ToLowerInvariant(), stored["mac"]!.GetValue<string>());
            Assert.Equal(address, stored["address"]!.GetValue<string>());

            // The other test of this class counts the static leases: leave none behind.
            await Api.DeleteAsync($"/api/v1/static-leases/{stored["id"]!.GetValue<int>()}");
        }
        finally
        {
            await TheLab.ReleaseDhcpAsync(TheLab.Lan2Ns);
        }
    }

    private static ILocator Section(IPage page, string title) => page.GetByRole(AriaRole.Region, new() { Name = title, Exact = true });

    private static ILocator Row(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });
}

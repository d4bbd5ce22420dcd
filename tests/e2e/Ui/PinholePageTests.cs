using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The Pinholes screen driven in Chromium against its own lab with IPv6 on the LAN: a device the router has met over
/// IPv6 is offered in the form, and picking it stores the pinhole under that device's MAC; the empty form names its
/// required fields beside them; with IPv6 off the page says pinholes wait for it.
/// </summary>
public sealed class PinholePageTests(PinholePageTests.Fixture fixture, Chromium chromium)
    : IClassFixture<PinholePageTests.Fixture>, IClassFixture<Chromium>
{
    private const string RouterLanIpv6 = "2001:db8:50::1/64";
    private const string Lan1Ipv6 = "2001:db8:50::10";

    /// <summary>Its own lab: IPv6 is switched on in its namespaces, which the other panel tests keep off.</summary>
    public sealed class Fixture : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-pinholes" };
    }

    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task PickingADeviceFromTheNeighbourTableStoresThePinholeUnderItsMac()
    {
        await using (var off = await Panel.OpenAsync(chromium, TheLab))
        {
            // IPv6 off (the lab's default): the page says the pinholes wait for it.
            await off.LoginAsync();
            await off.OpenFromMenuAsync("Pinholes", "Pinholes");
            await Expect(off.Page.Locator("#pin-ipv6-off")).ToContainTextAsync("IPv6 is off on the LAN");
        }

        await EnableLanIpv6Async();
        try
        {
            await using var panel = await Panel.OpenAsync(chromium, TheLab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("Pinholes", "Pinholes");
            var page = panel.Page;
            await Expect(page.Locator("#pin-ipv6-off")).ToHaveCountAsync(0);
            var section = Section(page);

            await section.GetByRole(AriaRole.Button, new() { Name = "Add pinhole" }).ClickAsync();
            await Expect(section.GetByLabel("Name", new() { Exact = true })).ToBeFocusedAsync();
            await section.GetByLabel("Name", new() { Exact = true }).FillAsync("ui-web");
            await section.GetByLabel("Port", new() { Exact = true }).FillAsync("8443");

            // LAN1 is listed with the IPv6 address it pinged the router from; its button names the host by MAC.
            var device = section.Locator(".device-list li").Filter(new() { HasText = TheLab.Lan1Mac });
            await Expect(device).ToContainTextAsync(Lan1Ipv6);
            await device.GetByRole(AriaRole.Button, new() { Name = $"Use device {TheLab.Lan1Mac}" }).ClickAsync();
            await Expect(section.GetByLabel("MAC address")).ToBeCheckedAsync();
            await Expect(section.GetByLabel("Host MAC")).ToHaveValueAsync(TheLab.Lan1Mac);
            await panel.ScreenshotAsync("pinholes-form");
            await section.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

            var row = Row(page, "ui-web");
            await Expect(row).ToContainTextAsync($"MAC {TheLab.Lan1Mac}");
            await Expect(row).ToContainTextAsync("8443");
            await Expect(row.Locator("td[data-col=connections]")).ToHaveTextAsync("0");
            await TheLab.WaitAppliedAsync(Api);

            var stored = Assert.Single(await Api.GetJsonArrayAsync("/api/v1/pinholes"), p => p?["name"]?.GetValue<string>() == "ui-web");
            Assert.Equal(TheLab.Lan1Mac, stored!["mac"]!.GetValue<string>());
            Assert.Null(stored["hostSuffix"]);
            Assert.Equal("tcp", stored["protocol"]!.GetValue<string>());
            Assert.Equal(8443, stored["port"]!.GetValue<int>());
            Assert.True(stored["enabled"]!.GetValue<bool>());

            // Edit reads the pinhole back: by MAC, the device marked as the one picked.
            await row.GetByRole(AriaRole.Button, new() { Name = "Edit ui-web" }).ClickAsync();
            await Expect(section.GetByLabel("Host MAC")).ToHaveValueAsync(TheLab.Lan1Mac);
            await Expect(device.GetByRole(AriaRole.Button, new() { Name = $"Use device {TheLab.Lan1Mac}" })).ToHaveTextAsync("Picked");
            await panel.AssertEveryInputHasAVisibleLabelAsync("Pinholes");
            await panel.ScreenshotAsync("pinholes");
            await section.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            Assert.Empty(panel.ForeignRequests);

            await using (var phone = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth, ColorScheme.Dark))
            {
                await phone.LoginAsync();
                await phone.OpenFromMenuAsync("Pinholes", "Pinholes");
                await Expect(Row(phone.Page, "ui-web")).ToBeVisibleAsync();
                await Section(phone.Page).GetByRole(AriaRole.Button, new() { Name = "Add pinhole" }).ClickAsync();
                await Expect(Section(phone.Page).Locator(".device-list li")).Not.ToHaveCountAsync(0);
                await phone.AssertNoSidewaysScrollAsync("Pinholes");
                await phone.AssertEveryInputHasAVisibleLabelAsync("Pinholes");
                await phone.ScreenshotAsync("phone-pinholes");
            }

            // Deleted with confirmation: gone from the REST API too.
            await row.GetByRole(AriaRole.Button, new() { Name = "Delete ui-web" }).ClickAsync();
            await row.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
            Assert.Empty(await Api.GetJsonArrayAsync("/api/v1/pinholes"));
        }
        finally
        {
            foreach (var pinhole in await Api.GetJsonArrayAsync("/api/v1/pinholes"))
            {
                await Api.DeleteAsync($"/api/v1/pinholes/{pinhole!["id"]!.GetValue<int>()}");
            }

            await Api.UpdateNetworkAsync(TheLab, n => n["lanIpv6"] = null);
        }
    }

    [Fact]
    public async Task TheEmptyAddFormNamesItsRequiredFieldsAndStoresNothing()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Pinholes", "Pinholes");
        var section = Section(panel.Page);

        await section.GetByRole(AriaRole.Button, new() { Name = "Add pinhole" }).ClickAsync();
        await section.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(FieldMessage(section, "Name")).ToHaveTextAsync("Required.");
        await Expect(FieldMessage(section, "Port")).ToHaveTextAsync("Required.");
        await Expect(FieldMessage(section, "Host suffix")).ToContainTextAsync("Required");

        // By MAC, the missing host is said beside the MAC field; text that is no number beside its port.
        // At a person's pace: the MAC field is there (the server has the new choice) before the next field is typed,
        // and the port is left (its change sent) before Save. Under load 22 the faster sequence once showed no
        // message beside either field after Save; not reproduced at rest.
        await section.GetByLabel("MAC address").CheckAsync();
        await Expect(section.GetByLabel("Host MAC", new() { Exact = true })).ToBeVisibleAsync();
        var port = section.GetByLabel("Port", new() { Exact = true });
        await port.FillAsync("web");
        await port.PressAsync("Tab");
        await section.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(FieldMessage(section, "Host MAC")).ToContainTextAsync("Required");
        await Expect(FieldMessage(section, "Port")).ToHaveTextAsync("A port between 1 and 65535.");
        await panel.ScreenshotAsync("pinholes-form-errors");
        await section.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        Assert.Empty(await Api.GetJsonArrayAsync("/api/v1/pinholes"));
    }

    /// <summary>
    /// The lab keeps IPv6 off in every namespace; here it goes on for the router's LAN bridge and LAN1, the router takes
    /// its static LAN address from the setting, and LAN1 pings it so the router's neighbour table learns LAN1.
    /// </summary>
    private async Task EnableLanIpv6Async()
    {
        const string on = "sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.default.disable_ipv6=0";
        await Check(TheLab.ExecAsync(TheLab.RouterNs, $"{on} net.ipv6.conf.br-lan.disable_ipv6=0"));
        await Check(TheLab.ExecAsync(TheLab.Lan1Ns,
            $"{on} net.ipv6.conf.eth0.disable_ipv6=0 && ip -6 addr replace {Lan1Ipv6}/64 dev eth0 nodad"));
        await Api.UpdateNetworkAsync(TheLab, n => n["lanIpv6"] = RouterLanIpv6);
        // The router's address may still be tentative (duplicate address detection) for a moment.
        await Check(TheLab.ExecAsync(TheLab.Lan1Ns,
            "for i in $(seq 30); do ping -6 -c1 -W1 2001:db8:50::1 >/dev/null && exit 0; sleep 0.5; done; exit 1",
            TimeSpan.FromSeconds(60)));
    }

    private static async Task Check(Task<CommandResult> command)
    {
        var result = await command;
        Assert.True(result.ExitCode == 0, $"lab command failed ({result.ExitCode}): {result.Stdout} {result.Stderr}");
    }

    private static ILocator Section(IPage page) => page.GetByRole(AriaRole.Region, new() { Name = "IPv6 pinholes", Exact = true });

    private static ILocator Row(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    /// <summary>The validation message beside the field labelled <paramref name="label"/> within <paramref name="scope"/>.</summary>
    private static ILocator FieldMessage(ILocator scope, string label) =>
        scope.Locator(".field").Filter(new() { Has = scope.Page.GetByLabel(label, new() { Exact = true }) }).Locator(".validation-message");
}

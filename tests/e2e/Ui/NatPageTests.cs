using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The NAT screen driven in Chromium against its own lab: a 1:1 entry made in the panel must carry real packets
/// and count a held connection live; each section's empty form names its required fields beside them; the port
/// forward form's helper picker stores the helper the API reads back. Everything is done through the panel.
/// </summary>
public sealed class NatPageTests(NatPageTests.Fixture fixture, Chromium chromium)
    : IClassFixture<NatPageTests.Fixture>, IClassFixture<Chromium>
{
    private const string ExternalAddress = "203.0.113.10";

    /// <summary>Its own lab: a 1:1 address on the WAN link must not meet the other panel tests' packets.</summary>
    public sealed class Fixture : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-nat" };
    }

    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    [Fact]
    public async Task AOneToOneEntryMadeInThePanelCarriesPacketsAndCountsAHeldConnectionWithoutAReload()
    {
        const int port = 9300;
        await using var server = TheLab.StartTcpEchoServer(TheLab.Lan1Ns, port, "lan1-oto");
        await Lab.Lab.WaitForTcpListenerAsync(TheLab.Lan1Ns, Lab.Lab.Lan1Ip, port);
        // Before the entry nobody answers for the address.
        Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, ExternalAddress, port));

        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("NAT", "NAT");
        var page = panel.Page;
        var section = Section(page, "1:1 NAT");

        await section.GetByRole(AriaRole.Button, new() { Name = "Add 1:1 entry" }).ClickAsync();
        await Expect(section.GetByLabel("Name", new() { Exact = true })).ToBeFocusedAsync();
        await section.GetByLabel("Name", new() { Exact = true }).FillAsync("ui-server");
        await section.GetByLabel("External address").FillAsync(ExternalAddress);
        await section.GetByLabel("Internal address").FillAsync(Lab.Lab.Lan1Ip);
        await Expect(section.GetByLabel(new Regex("^Add the address to the WAN link"))).ToBeCheckedAsync();
        await section.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        var row = Row(page, "ui-server");
        await Expect(row).ToContainTextAsync(ExternalAddress);
        await Expect(row).ToContainTextAsync(Lab.Lab.Lan1Ip);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "applied" })).ToBeVisibleAsync();
        await TheLab.WaitAppliedAsync(Api);
        var count = row.Locator("td[data-col=connections]");
        await Expect(count).ToHaveTextAsync("0");

        // A mark on the window: if the page reloaded to show the count, it would be gone.
        await page.EvaluateAsync("() => { window.__natPageNotReloaded = true; }");

        // The WAN host reaches the LAN1 server through the external address, and keeps the connection open.
        using var held = await Lab.Lab.OpenTcpAsync(TheLab.WanNs, ExternalAddress, port);
        Assert.NotNull(held);
        Assert.Equal("lan1-oto", await held.ExchangeAsync());
        // The echo server saw the WAN host itself: 1:1 rewrites the destination only.
        Assert.Contains(server.Peers, p => p.Address.ToString() == Lab.Lab.WanHostIp);

        // The agent's sample (every second) reaches the open page over its live circuit.
        await Expect(count).ToHaveTextAsync(new Regex("^[1-9][0-9]*$"));
        await Expect(count).ToHaveAttributeAsync("aria-label", new Regex("^Connections: [1-9][0-9]*$"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.__natPageNotReloaded === true"), "the page reloaded");
        await panel.ScreenshotAsync("nat-live-count");

        // Switched off in the list: the path closes.
        var enabled = page.GetByRole(AriaRole.Switch, new() { Name = "Enabled: ui-server" });
        await enabled.UncheckAsync();
        // The browser flips the switch at once; the row says "off" once the change is stored.
        await Expect(row.Locator("label.switch")).ToContainTextAsync("off");
        await Expect(enabled).Not.ToBeCheckedAsync();
        await TheLab.WaitAppliedAsync(Api);
        var stored = Assert.Single(await Api.GetJsonArrayAsync("/api/v1/one-to-one"), e => e?["name"]?.GetValue<string>() == "ui-server");
        Assert.False(stored!["enabled"]!.GetValue<bool>());
        Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, ExternalAddress, port));

        // Deleted with confirmation: gone from the REST API too.
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete ui-server" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        Assert.DoesNotContain(await Api.GetJsonArrayAsync("/api/v1/one-to-one"), e => e?["name"]?.GetValue<string>() == "ui-server");
        await TheLab.WaitAppliedAsync(Api);
    }

    [Fact]
    public async Task EachSectionsEmptyAddFormNamesItsRequiredFieldsAndStoresNothing()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("NAT", "NAT");
        var page = panel.Page;

        var oneToOne = Section(page, "1:1 NAT");
        await oneToOne.GetByRole(AriaRole.Button, new() { Name = "Add 1:1 entry" }).ClickAsync();
        await oneToOne.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        foreach (var label in new[] { "Name", "External address", "Internal address" })
        {
            await Expect(FieldMessage(oneToOne, label)).ToHaveTextAsync("Required.");
        }

        // A conflict (409: the router's own WAN address) lands beside the field it names.
        await oneToOne.GetByLabel("Name", new() { Exact = true }).FillAsync("ui-steal-wan");
        await oneToOne.GetByLabel("External address").FillAsync(Lab.Lab.RouterWanIp);
        await oneToOne.GetByLabel("Internal address").FillAsync(Lab.Lab.Lan2Ip);
        await oneToOne.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(FieldMessage(oneToOne, "External address")).ToContainTextAsync($"{Lab.Lab.RouterWanIp} is already on the router's link");
        await Expect(FieldMessage(oneToOne, "Internal address")).ToHaveCountAsync(0);
        await oneToOne.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        var redirects = Section(page, "Redirects");
        await redirects.GetByRole(AriaRole.Button, new() { Name = "Add redirect" }).ClickAsync();
        await redirects.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        foreach (var label in new[] { "Name", "Port", "To router port" })
        {
            await Expect(FieldMessage(redirects, label)).ToHaveTextAsync("Required.");
        }

        // Text that is no number is said beside its field, with what is still missing.
        await redirects.GetByLabel("Port", new() { Exact = true }).FillAsync("dns");
        await redirects.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(FieldMessage(redirects, "Port")).ToHaveTextAsync("A port between 1 and 65535.");
        await Expect(FieldMessage(redirects, "Name")).ToHaveTextAsync("Required.");
        await redirects.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        var routes = Section(page, "Policy routes");
        await routes.GetByRole(AriaRole.Button, new() { Name = "Add policy route" }).ClickAsync();
        await routes.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        foreach (var label in new[] { "Name", "Source" })
        {
            await Expect(FieldMessage(routes, label)).ToHaveTextAsync("Required.");
        }

        // The out interface is a picker, not an input of the form: its message sits under it all the same.
        var outField = routes.Locator(".field").Filter(new() { Has = page.GetByLabel("Out interface", new() { Exact = true }) });
        await Expect(outField.Locator(".field-error")).ToHaveTextAsync("Required.");
        await panel.ScreenshotAsync("nat-form-errors");
        await routes.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        Assert.Empty(await Api.GetJsonArrayAsync("/api/v1/one-to-one"));
        Assert.Empty(await Api.GetJsonArrayAsync("/api/v1/redirects"));
        Assert.Empty(await Api.GetJsonArrayAsync("/api/v1/policy-routes"));
    }

    [Fact]
    public async Task TheForwardFormsHelperPickerStoresTftpOnAUdpForward()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
        var page = panel.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "Add port forward" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("ui-tftp");
        // A TCP forward can't take the TFTP helper (it watches UDP); FTP is offered.
        var picker = page.GetByLabel("Helper", new() { Exact = true });
        await Expect(picker).ToHaveValueAsync("");
        await Expect(picker.Locator("option[value=tftp]")).ToBeDisabledAsync();
        await Expect(picker.Locator("option[value=ftp]")).ToBeEnabledAsync();
        await page.GetByLabel("Protocol").SelectOptionAsync(new SelectOptionValue { Label = "UDP" });
        await Expect(picker.Locator("option[value=tftp]")).ToBeEnabledAsync();
        await Expect(picker.Locator("option[value=ftp]")).ToBeDisabledAsync();
        await picker.SelectOptionAsync("tftp");
        await page.GetByLabel("External port", new() { Exact = true }).FillAsync("6969");
        await page.GetByLabel("Internal address").FillAsync(Lab.Lab.Lan1Ip);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        var row = Row(page, "ui-tftp");
        await Expect(row.Locator("td[data-label=Helper]")).ToHaveTextAsync("tftp");
        var stored = Assert.Single(await Api.GetJsonArrayAsync("/api/v1/port-forwards"), f => f?["name"]?.GetValue<string>() == "ui-tftp");
        Assert.Equal("tftp", stored!["helper"]?.GetValue<string>());
        Assert.False(stored["ftpHelper"]!.GetValue<bool>());
        Assert.Equal("udp", stored["protocol"]!.GetValue<string>());

        // Edit opens with the helper picked; none takes it off again.
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit ui-tftp" }).ClickAsync();
        await Expect(picker).ToHaveValueAsync("tftp");
        await picker.SelectOptionAsync("");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(row.Locator("td[data-label=Helper]")).ToHaveTextAsync("none");
        var id = stored["id"]!.GetValue<int>();
        var after = await Api.GetJsonAsync($"/api/v1/port-forwards/{id}");
        Assert.Null(after["helper"]?.GetValue<string>());

        await Api.DeleteAsync($"/api/v1/port-forwards/{id}");
        await TheLab.WaitAppliedAsync(Api);
    }

    [Fact]
    public async Task TheNatScreenRendersOnADesktopAndFitsA390PixelPhone()
    {
        // Some content, so the pictures show filled lists rather than empty states.
        var created = new List<string>
        {
            Id("one-to-one", await Api.PostJsonAsync("/api/v1/one-to-one", new
            {
                name = "mail server", externalAddress = "203.0.113.20", internalAddress = Lab.Lab.Lan2Ip, addAddress = false,
            })),
            Id("redirects", await Api.PostJsonAsync("/api/v1/redirects", new
            {
                name = "all DNS to the router", protocol = "both", port = 53, toPort = 53,
            })),
            Id("policy-routes", await Api.PostJsonAsync("/api/v1/policy-routes", new
            {
                name = "guest via backup line", enabled = false, source = "192.168.50.128/25", outInterface = TheLab.WanInterface,
                gateway = Lab.Lab.WanHostIp,
            })),
        };
        try
        {
            await TheLab.WaitAppliedAsync(Api);
            await using (var desktop = await Panel.OpenAsync(chromium, TheLab))
            {
                await desktop.LoginAsync();
                await desktop.OpenFromMenuAsync("NAT", "NAT");
                var page = desktop.Page;
                await Expect(Row(page, "mail server")).ToContainTextAsync("routed to us");
                await Expect(Row(page, "all DNS to the router")).ToContainTextAsync("LAN");
                await Expect(Row(page, "guest via backup line")).ToContainTextAsync("192.168.50.128/25");

                // The helpers card saves what is ticked; the API reads it back.
                var helpers = Section(page, "Outbound helpers");
                await Expect(helpers.GetByText("Active FTP: the server connects back for the data")).ToBeVisibleAsync();
                await helpers.GetByLabel("FTP (TCP 21)").CheckAsync();
                await helpers.GetByLabel("TFTP (UDP 69)").CheckAsync();
                await helpers.GetByRole(AriaRole.Button, new() { Name = "Save helpers" }).ClickAsync();
                await Expect(helpers.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved" })).ToBeVisibleAsync();
                var outbound = (await Api.GetJsonAsync("/api/v1/helpers"))["outbound"]!.AsArray().Select(h => h!.GetValue<string>());
                Assert.Equal(new[] { "ftp", "tftp" }, outbound);
                await TheLab.WaitAppliedAsync(Api);

                await desktop.AssertEveryInputHasAVisibleLabelAsync("NAT");
                await desktop.ScreenshotAsync("nat");
                Assert.Empty(desktop.ForeignRequests);
            }

            await using var phone = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth, ColorScheme.Dark);
            await phone.LoginAsync();
            await phone.OpenFromMenuAsync("NAT", "NAT");
            await Expect(Row(phone.Page, "mail server")).ToBeVisibleAsync();
            await Expect(Section(phone.Page, "Outbound helpers").GetByLabel("TFTP (UDP 69)")).ToBeCheckedAsync();
            await phone.AssertNoSidewaysScrollAsync("NAT");
            await phone.AssertEveryInputHasAVisibleLabelAsync("NAT");
            await phone.ScreenshotAsync("phone-nat");

            // The forms fit too.
            await Section(phone.Page, "Policy routes").GetByRole(AriaRole.Button, new() { Name = "Add policy route" }).ClickAsync();
            await Section(phone.Page, "Redirects").GetByRole(AriaRole.Button, new() { Name = "Add redirect" }).ClickAsync();
            await phone.AssertNoSidewaysScrollAsync("NAT forms");
            await phone.AssertEveryInputHasAVisibleLabelAsync("NAT forms");
            await phone.ScreenshotAsync("phone-nat-forms");
        }
        finally
        {
            foreach (var path in created)
            {
                await Api.DeleteAsync(path);
            }

            await Api.PutJsonAsync("/api/v1/helpers", new { outbound = Array.Empty<string>() });
            await TheLab.WaitAppliedAsync(Api);
        }
    }

    private static string Id(string collection, System.Text.Json.Nodes.JsonObject? created) =>
        $"/api/v1/{collection}/{created!["id"]!.GetValue<int>()}";

    private static ILocator Section(IPage page, string title) => page.GetByRole(AriaRole.Region, new() { Name = title, Exact = true });

    private static ILocator Row(IPage page, string name) =>
        page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true }) });

    /// <summary>The validation message beside the field labelled <paramref name="label"/> within <paramref name="scope"/>.</summary>
    private static ILocator FieldMessage(ILocator scope, string label) =>
        scope.Locator(".field").Filter(new() { Has = scope.Page.GetByLabel(label, new() { Exact = true }) }).Locator(".validation-message");
}

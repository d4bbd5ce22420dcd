using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The first-boot wizard on a fresh lab whose WAN link is ppp0: nothing is set up until the browser does it,
/// and the WAN is given as the wildcard ppp* typed by hand.
/// </summary>
public sealed class SetupWizardTests(Chromium chromium) : IClassFixture<Chromium>, IAsyncLifetime
{
    private Lab.Lab? _lab;

    private Lab.Lab TheLab => _lab ?? throw new InvalidOperationException("The lab did not start.");

    public async Task InitializeAsync() => _lab = await Lab.Lab.StartAsync(new Lab.LabOptions { Name = "ui-setup-wizard", WanInterfaceName = "ppp0" });

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            await _lab.DisposeAsync();
        }
    }

    [Fact]
    public async Task CompletingTheWizardEndsLoggedInOnTheDashboardWithTheRulesApplied()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        var page = panel.Page;

        // Every page leads to the wizard until setup is done.
        await page.GotoAsync("/port-forwards");
        await Expect(page).ToHaveURLAsync(panel.PathUrl("/setup"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Set up your router" })).ToBeVisibleAsync();

        // Step 1: an empty or short password is refused before anything is sent, and the length rule is said once
        // (the refusal stands in for the strength hint). Each step starts in its first field.
        await Expect(page.GetByLabel("Admin password")).ToBeFocusedAsync();
        var form = page.Locator("main form");
        await Expect(form.GetByText("10 characters")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("The admin password is required: at least 10 characters.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(form.GetByText("10 characters")).ToHaveCountAsync(1);
        await page.GetByLabel("Admin password").FillAsync("short");
        await page.GetByLabel("Confirm password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("The admin password needs at least 10 characters.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(form.GetByText("characters")).ToHaveCountAsync(1);
        await page.GetByLabel("Admin password").FillAsync(Lab.Lab.AdminPassword);
        // The stale message goes as soon as the field is edited.
        await Expect(page.GetByText("The admin password needs at least 10 characters.", new() { Exact = true })).ToHaveCountAsync(0);
        await page.GetByLabel("Confirm password").FillAsync(Lab.Lab.AdminPassword);
        await panel.AssertEveryInputHasAVisibleLabelAsync("Setup, password step");
        await panel.ScreenshotAsync("setup-1-password");
        await Axe.AssertNoViolationsAsync(page, "Setup, password step");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        // Step 2: the agent's live list of links is offered; the lab's WAN link and LAN bridge are in it.
        await Expect(page.GetByLabel("WAN interface", new() { Exact = true })).ToBeFocusedAsync();
        // Nothing chosen yet: each empty field says it is required, by name (not a rule about a trailing *).
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("The WAN interface is required.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByText("The LAN interface is required.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(form.GetByText("trailing *", new() { Exact = false })).ToHaveCountAsync(1); // the WAN hint only
        var wanLinks = page.GetByRole(AriaRole.Radiogroup, new() { Name = "WAN interface: detected links" });
        await Expect(wanLinks.GetByRole(AriaRole.Radio, new() { Name = TheLab.WanInterface })).ToBeVisibleAsync();
        await Expect(wanLinks.GetByRole(AriaRole.Radio, new() { Name = TheLab.LanInterface })).ToBeVisibleAsync();
        // The bridge's ports are listed, marked, and can't be picked for either side (as in Settings).
        foreach (var side in new[] { "WAN", "LAN" })
        {
            var port = page.GetByRole(AriaRole.Radiogroup, new() { Name = $"{side} interface: detected links" })
                .GetByRole(AriaRole.Radio, new() { Name = "lan1", Exact = true });
            await Expect(port).ToBeDisabledAsync();
            await Expect(port).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex($"member of {TheLab.LanInterface}"));
        }

        await wanLinks.GetByRole(AriaRole.Radio, new() { Name = TheLab.WanInterface }).CheckAsync();
        await Expect(page.GetByLabel("WAN interface", new() { Exact = true })).ToHaveValueAsync(TheLab.WanInterface);
        // Typed instead: a wildcard that follows the link family (a PPP link is renamed/recreated on redial).
        await page.GetByLabel("WAN interface", new() { Exact = true }).FillAsync("ppp*");
        await page.GetByLabel("WAN interface", new() { Exact = true }).BlurAsync();
        await Expect(wanLinks.GetByRole(AriaRole.Radio, new() { Name = TheLab.WanInterface })).Not.ToBeCheckedAsync();
        await Expect(wanLinks.GetByText("matches ppp*")).ToHaveCountAsync(1);
        var lanLinks = page.GetByRole(AriaRole.Radiogroup, new() { Name = "LAN interface: detected links" });
        await lanLinks.GetByRole(AriaRole.Radio, new() { Name = TheLab.LanInterface }).CheckAsync();
        await panel.AssertEveryInputHasAVisibleLabelAsync("Setup, interfaces step");
        await panel.ScreenshotAsync("setup-2-interfaces");
        await Axe.AssertNoViolationsAsync(page, "Setup, interfaces step");
        // The longest step still fits a phone.
        await page.SetViewportSizeAsync(Panel.PhoneWidth, 844);
        await panel.AssertNoSidewaysScrollAsync("Setup, interfaces step");
        // The stepper stays one row, its current step named in sight.
        var stepRows = await page.EvaluateAsync<int>("() => new Set([...document.querySelectorAll('ol.steps > li')].map(li => Math.round(li.getBoundingClientRect().top))).size");
        Assert.Equal(1, stepRows);
        await Expect(page.Locator("ol.steps > li[aria-current=step]")).ToContainTextAsync("Interfaces");
        await panel.ScreenshotAsync("setup-2-interfaces-phone");
        await Axe.AssertNoViolationsAsync(page, "Setup, interfaces step on a phone");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Axe.AssertNoViolationsAsync(page, "Setup, interfaces step on a phone in dark mode");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.SetViewportSizeAsync(Panel.DesktopWidth, 900);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        // Step 3: the uplink. A wildcard WAN names no single link a DHCP client could run on: only "leave it to this
        // machine" can be chosen, and the other two say why.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "WAN", Level = 2 })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Leave it to this machine")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("DHCP from the ISP")).ToBeDisabledAsync();
        await Expect(page.GetByLabel("Static address")).ToBeDisabledAsync();
        await Expect(page.GetByLabel("DHCP from the ISP")).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("only mode unmanaged"));
        await panel.AssertEveryInputHasAVisibleLabelAsync("Setup, WAN step");
        await panel.ScreenshotAsync("setup-3-wan");
        await Axe.AssertNoViolationsAsync(page, "Setup, WAN step");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        // Step 4: one address/prefix field as in Settings, taken from the bridge the agent reported, with an example
        // from that LAN; masquerade is on by default.
        var lanAddress = page.GetByLabel("LAN address and prefix", new() { Exact = true });
        await Expect(lanAddress).ToBeFocusedAsync();
        await Expect(lanAddress).ToHaveValueAsync(Lab.Lab.LanCidr);
        await Expect(page.GetByLabel("Prefix length")).ToHaveCountAsync(0);
        await Expect(page.Locator("#lan-address-hint")).ToHaveTextAsync($"e.g. {Lab.Lab.LanCidr}.");
        await Expect(form).Not.ToContainTextAsync("192.168.1.");
        await Expect(page.GetByLabel("Masquerade LAN traffic to the internet")).ToBeCheckedAsync();
        await panel.AssertEveryInputHasAVisibleLabelAsync("Setup, LAN step");
        await panel.ScreenshotAsync("setup-4-lan");
        await Axe.AssertNoViolationsAsync(page, "Setup, LAN step");
        // The same words as Settings for an empty and for a malformed value.
        // Each edit is committed (Tab) and seen by the server before Next, as a person's would be: a click racing the
        // field's change event would test the race, not the words.
        var dhcpStatus = page.GetByRole(AriaRole.Status).Filter(new() { HasText = "DHCP will hand out" });
        var required = page.GetByText("The LAN address and prefix are required.", new() { Exact = true });
        await lanAddress.FillAsync("");
        await lanAddress.PressAsync("Tab");
        await Expect(dhcpStatus).ToHaveTextAsync("DHCP will hand out the upper part of the LAN's addresses once the LAN address is valid.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(required).ToBeVisibleAsync();
        await lanAddress.FillAsync(Lab.Lab.RouterLanIp);
        await lanAddress.PressAsync("Tab");
        await Expect(required).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Expect(page.GetByText("An IPv4 address with its prefix length, written address/prefix.", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(lanAddress).ToHaveAttributeAsync("aria-invalid", "true");
        await Axe.AssertNoViolationsAsync(page, "Setup, LAN step refusing a value");
        await lanAddress.FillAsync(Lab.Lab.LanCidr);
        await lanAddress.PressAsync("Tab");
        await Expect(dhcpStatus).Not.ToContainTextAsync("once the LAN address is valid");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();

        // Step 5: review, then apply. The password is said to be set, with nothing that tells its length.
        await Expect(page.GetByText(Lab.Lab.LanCidr)).ToBeVisibleAsync();
        var review = page.Locator("main dl.facts");
        await Expect(review.Locator("dt:text-is('Admin password') + dd")).ToHaveTextAsync("Set (not shown)");
        await Expect(review).Not.ToContainTextAsync("characters");
        await Expect(review).Not.ToContainTextAsync("••");
        await Expect(page.GetByText("ppp*", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(review.Locator("dt:text-is('WAN address') + dd")).ToHaveTextAsync("left to this machine's networking");
        await panel.ScreenshotAsync("setup-5-review");
        await Axe.AssertNoViolationsAsync(page, "Setup, review step");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

        // Logged in on the dashboard, and the agent applied the first ruleset.
        await Expect(page).ToHaveURLAsync(panel.DashboardUrl());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Agent connected")).ToBeVisibleAsync();
        await Expect(page.GetByText("up to date")).ToBeVisibleAsync();
        var network = page.GetByRole(AriaRole.Region, new() { Name = "Network" });
        await Expect(network).ToContainTextAsync("ppp*");
        await Expect(network).ToContainTextAsync("ppp0 up");
        // The uplink as the agent sees it: the host's networking numbered the lab's WAN link.
        var uplink = page.GetByRole(AriaRole.Region, new() { Name = "Uplink" });
        await Expect(uplink).ToContainTextAsync("this machine's networking");
        await Expect(uplink).ToContainTextAsync(Lab.Lab.RouterWanIp);
        await panel.ScreenshotAsync("dashboard-after-setup");

        // The rules are real: with masquerade a LAN host reaches the WAN host, which has no route back to the LAN.
        await using var server = TheLab.StartTcpEchoServer(TheLab.WanNs, 7001, "wan-host");
        await Lab.Lab.WaitForTcpListenerAsync(TheLab.WanNs, Lab.Lab.WanHostIp, 7001);
        Assert.Equal("wan-host", await Lab.Lab.TcpExchangeAsync(TheLab.Lan1Ns, Lab.Lab.WanHostIp, 7001));

        // The wizard is gone for good.
        await page.GotoAsync("/setup");
        await Expect(page).ToHaveURLAsync(panel.DashboardUrl());
    }
}

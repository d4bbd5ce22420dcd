using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// axe-core (tests/e2e/Ui/Axe.cs) finds no WCAG 2.0/2.1 A/AA or best-practice violation on the login page, on every
/// page of the menu with its rows and Add forms shown, and on the not-found page, at a 1280 px desktop and a 390 px
/// phone, in light and in dark mode; also in the states with their own markup: a refused Save, a delete being asked
/// about, a new API token shown once, and a change on trial.
/// </summary>
public sealed partial class LayoutTests
{
    // Every page of the main menu (NavMenu.razor), in its order.
    private static readonly (string Path, string Heading)[] MenuPages =
    [
        ("/", "Dashboard"), ("/port-forwards", "Port forwards"), ("/nat", "NAT"), ("/pinholes", "Pinholes"),
        ("/firewall", "Firewall"), ("/mac-filters", "MAC filters"), ("/logging", "Logging"), ("/settings", "Settings"),
    ];

    [Theory]
    [InlineData(Panel.DesktopWidth, false)]
    [InlineData(Panel.DesktopWidth, true)]
    [InlineData(Panel.PhoneWidth, false)]
    [InlineData(Panel.PhoneWidth, true)]
    public async Task AxeFindsNoViolationOnAnyPage(int width, bool dark)
    {
        await SeedAsync();
        await using var panel = await Panel.OpenAsync(chromium, TheLab, width);
        var page = panel.Page;
        await page.EmulateMediaAsync(new() { ColorScheme = dark ? ColorScheme.Dark : ColorScheme.Light });
        // Every page is checked before the test fails, so one run lists everything.
        var found = new List<string>();
        async Task CheckAsync(string screen) => found.AddRange((await Axe.ViolationsAsync(page)).Select(v => $"{screen}: {v}"));

        await page.GotoAsync("/login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
        await CheckAsync("/login");

        await panel.LoginAsync();
        foreach (var (path, heading) in MenuPages)
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
            await panel.WaitInteractiveAsync();
            await OpenAddFormsAsync(page, path);
            await CheckAsync(path);
        }

        await page.GotoAsync("/no-such-page");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
        await CheckAsync("/no-such-page");

        // A refused Save: messages linked to their fields and a live summary.
        await page.GotoAsync("/port-forwards");
        await panel.WaitInteractiveAsync();
        await OpenAddFormsAsync(page, "/port-forwards");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.Locator("main form [aria-invalid=true]").First).ToBeVisibleAsync();
        await CheckAsync("/port-forwards, a refused Save");

        // The two-step delete asks in the row itself.
        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {LongName}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" })).ToBeVisibleAsync();
        await CheckAsync("/port-forwards, asking to delete");

        // A new API token, shown once with its Copy button.
        await page.GotoAsync("/settings");
        await panel.WaitInteractiveAsync();
        await page.GetByLabel("Token name").FillAsync($"axe {width} {(dark ? "dark" : "light")}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.GetByLabel("New API token")).Not.ToHaveValueAsync("");
        await CheckAsync("/settings, a new token");

        // A write on trial (commit-confirmed, asked for over REST with the policy as it is): the banner, until kept.
        var policy = await Api.GetJsonAsync("/api/v1/mac-filters/policy");
        await Api.PutJsonAsync("/api/v1/mac-filters/policy?confirm=3600", policy);
        await page.GotoAsync("/");
        await panel.WaitInteractiveAsync();
        var banner = page.GetByTestId("confirm-banner");
        await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" })).ToBeEnabledAsync();
        await CheckAsync("/, a change on trial");
        await banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" }).ClickAsync();
        await Expect(banner).ToHaveCountAsync(0);

        Assert.True(found.Count == 0, $"axe at {width}px, {(dark ? "dark" : "light")}:\n{string.Join('\n', found)}");
    }
}

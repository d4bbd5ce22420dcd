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
        ("/", "Dashboard"), ("/port-forwards", "Port forwards"), ("/lan", "LAN"), ("/nat", "NAT"), ("/pinholes", "Pinholes"),
        ("/firewall", "Firewall"), ("/mac-filters", "MAC filters"), ("/logging", "Logging"), ("/settings", "Settings"),
    ];

    // The desktop and the phone, each light and dark.
    private static readonly (int Width, int Height, ColorScheme Scheme)[] Looks =
    [
        (Panel.DesktopWidth, 900, ColorScheme.Light), (Panel.DesktopWidth, 900, ColorScheme.Dark),
        (Panel.PhoneWidth, 844, ColorScheme.Light), (Panel.PhoneWidth, 844, ColorScheme.Dark),
    ];

    [Fact]
    public async Task AxeFindsNoViolationOnAnyPageAtEitherWidthInEitherScheme()
    {
        await SeedAsync();
        // One login for all four looks: every login counts against the login throttle's per-network bucket for 15
        // minutes (a success clears only the address's own bucket), and this class already logs in often.
        await using var visitor = await Panel.OpenAsync(chromium, TheLab);
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        var page = panel.Page;
        await panel.LoginAsync();
        // Every look and page is checked before the test fails, so one run lists everything.
        var found = new List<string>();
        foreach (var (width, height, scheme) in Looks)
        {
            var look = $"{width}px {scheme.ToString().ToLowerInvariant()}";
            async Task CheckAsync(IPage on, string screen) => found.AddRange((await Axe.ViolationsAsync(on)).Select(v => $"{look} {screen}: {v}"));
            foreach (var each in new[] { visitor.Page, page })
            {
                await each.SetViewportSizeAsync(width, height);
                await each.EmulateMediaAsync(new() { ColorScheme = scheme });
            }

            await visitor.Page.GotoAsync("/login");
            await Expect(visitor.Page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(visitor.Page, "/login");

            foreach (var (path, heading) in MenuPages)
            {
                await page.GotoAsync(path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
                await panel.WaitInteractiveAsync();
                await OpenAddFormsAsync(page, path);
                await CheckAsync(page, path);
            }

            await page.GotoAsync("/no-such-page");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found", Level = 1 })).ToBeVisibleAsync();
            await CheckAsync(page, "/no-such-page");

            // A refused Save: messages linked to their fields and a live summary.
            await page.GotoAsync("/port-forwards");
            await panel.WaitInteractiveAsync();
            await OpenAddFormsAsync(page, "/port-forwards");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await Expect(page.Locator("main form [aria-invalid=true]").First).ToBeVisibleAsync();
            await CheckAsync(page, "/port-forwards, a refused Save");

            // The two-step delete asks in the row itself.
            await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {LongName}" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" })).ToBeVisibleAsync();
            await CheckAsync(page, "/port-forwards, asking to delete");

            // A new API token, shown once with its Copy button.
            await page.GotoAsync("/settings");
            await panel.WaitInteractiveAsync();
            await page.GetByLabel("Token name").FillAsync($"axe {look}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
            await Expect(page.GetByLabel("New API token")).Not.ToHaveValueAsync("");
            await CheckAsync(page, "/settings, a new token");

            // A write on trial (commit-confirmed, asked for over REST with the policy as it is): the banner, until kept.
            var policy = await Api.GetJsonAsync("/api/v1/mac-filters/policy");
            await Api.PutJsonAsync("/api/v1/mac-filters/policy?confirm=3600", policy);
            await page.GotoAsync("/");
            await panel.WaitInteractiveAsync();
            var banner = page.GetByTestId("confirm-banner");
            await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" })).ToBeEnabledAsync();
            await CheckAsync(page, "/, a change on trial");
            await banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" }).ClickAsync();
            await Expect(banner).ToHaveCountAsync(0);
        }

        Assert.True(found.Count == 0, "axe:\n" + string.Join('\n', found));
    }
}

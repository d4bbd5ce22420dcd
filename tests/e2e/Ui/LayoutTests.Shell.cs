using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>The frame around the pages: the login card and the header with its menu, on a desktop and on a phone.</summary>
public sealed partial class LayoutTests
{
    // How far the login card's middle is from the middle of the viewport, in px.
    private const string LoginCardOffCentre = """
        () => {
            const r = document.querySelector('main form.card').getBoundingClientRect();
            return (r.left + r.right) / 2 - document.documentElement.clientWidth / 2;
        }
        """;

    [Fact]
    public async Task TheLoginCardIsCentredAndNamesTheAccountForPasswordManagers()
    {
        foreach (var width in new[] { Panel.DesktopWidth, Panel.PhoneWidth })
        {
            await using var panel = await Panel.OpenAsync(chromium, TheLab, width);
            var page = panel.Page;
            await page.GotoAsync("/login");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in", Level = 1 })).ToBeVisibleAsync();
            var offCentre = await page.EvaluateAsync<double>(LoginCardOffCentre);
            Assert.True(Math.Abs(offCentre) <= 3, $"at {width}px the login card's middle is {offCentre:0.#}px from the page's");
            await panel.AssertNoSidewaysScrollAsync($"Login at {width}px");

            // The one account's name sits in the form, where a password manager pairs it with the password.
            var user = page.Locator("main form").GetByLabel("User name", new() { Exact = true });
            await Expect(user).ToHaveAttributeAsync("autocomplete", "username");
            await Expect(user).ToHaveAttributeAsync("name", "username");
            await Expect(user).ToHaveValueAsync("admin");
            await Expect(user).Not.ToBeEditableAsync();
            await Expect(page.GetByLabel("Password", new() { Exact = true })).ToHaveAttributeAsync("autocomplete", "current-password");
            await panel.AssertEveryInputHasAVisibleLabelAsync($"Login at {width}px");
            await panel.ScreenshotAsync($"layout-{width}-login");

            // The form posts the name with the password, and logging in works as before.
            await panel.LoginAsync();
        }
    }

    [Fact]
    public async Task OnAPhoneTheHeaderIsOneShortRowWhoseMenuScrollsWithinIt()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth);
        await panel.LoginAsync();
        var page = panel.Page;
        var menu = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });

        // The sticky header leaves the screen to the page: at most 8 % of an 844 px phone screen.
        var headerHeight = await page.EvaluateAsync<double>("() => document.querySelector('header.top').getBoundingClientRect().height");
        Assert.True(headerHeight <= 844 * 0.08, $"the header is {headerHeight}px high");

        // Every menu entry on one row; the page itself never scrolls sideways.
        var rows = await page.EvaluateAsync<int>("() => new Set([...document.querySelectorAll('nav[aria-label=Main] a')].map(a => Math.round(a.getBoundingClientRect().top))).size");
        Assert.Equal(1, rows);
        await panel.AssertNoSidewaysScrollAsync("Dashboard on a phone");
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        await panel.ScreenshotAsync("layout-390-header");

        // By keyboard every entry comes into view with its focus ring whole, the last one too.
        var links = await menu.GetByRole(AriaRole.Link).CountAsync();
        Assert.Equal(11, links);
        await menu.GetByRole(AriaRole.Link).First.FocusAsync();
        for (var i = 0; i < links; i++)
        {
            if (i > 0)
            {
                await page.Keyboard.PressAsync("Tab");
            }

            var name = await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()");
            var problem = await page.EvaluateAsync<string>(RingProblems);
            Assert.True(problem.Length == 0, $"menu entry {name}: {problem}");
        }

        Assert.Equal("Settings", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));

        // A page whose entry is at the far end opens with that entry scrolled into sight and marked current.
        await page.GotoAsync("/settings");
        await panel.WaitInteractiveAsync();
        var settings = menu.GetByRole(AriaRole.Link, new() { Name = "Settings", Exact = true });
        await Expect(settings).ToHaveAttributeAsync("aria-current", "page");
        var hidden = await page.EvaluateAsync<double>("""
            () => {
                const a = document.querySelector('nav[aria-label=Main] a[aria-current=page]');
                const strip = a.closest('ul').getBoundingClientRect(), r = a.getBoundingClientRect();
                return Math.max(0, strip.left - r.left) + Math.max(0, r.right - strip.right);
            }
            """);
        Assert.True(hidden <= 1, $"{hidden}px of the current page's menu entry are scrolled out of sight");
        Assert.True(await page.EvaluateAsync<double>("() => document.querySelector('header.top').getBoundingClientRect().height") <= 844 * 0.08);
        await panel.ScreenshotAsync("layout-390-header-settings");

        // And the menu still works by touch.
        await panel.OpenFromMenuAsync("Firewall", "Firewall");
        await Expect(menu.GetByRole(AriaRole.Link, new() { Name = "Firewall", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
    }
}

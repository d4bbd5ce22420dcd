using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>Guessing the password from the login form is throttled, and the form says so. Its own lab:
/// the throttle is per client address, and every browser test comes from 127.0.0.1.</summary>
public sealed class LoginThrottleTests(LoginThrottleTests.ThrottleLab fixture, Chromium chromium)
    : IClassFixture<LoginThrottleTests.ThrottleLab>, IClassFixture<Chromium>
{
    [Fact]
    public async Task RepeatedWrongPasswordsShowTheThrottleMessageEvenForTheRightOne()
    {
        await using var panel = await Panel.OpenAsync(chromium, fixture.Lab);
        var page = panel.Page;
        var alert = page.GetByRole(AriaRole.Alert);
        await page.GotoAsync("/login");
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await page.GetByLabel("Password").FillAsync($"wrong-guess-{attempt}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await Expect(page).ToHaveURLAsync(new Regex(@"/login\?error=1$"));
            await Expect(alert).ToHaveTextAsync("Log in failed. Check the password and try again.");
        }

        await page.GetByLabel("Password").FillAsync("wrong-guess-5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(alert).ToContainTextAsync("Too many failed attempts");

        // Now even the right password is refused with the same message, and no session starts.
        await page.GetByLabel("Password").FillAsync(Lab.Lab.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(alert).ToContainTextAsync("Too many failed attempts");
        await panel.ScreenshotAsync("login-throttled");
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
    }

    public sealed class ThrottleLab : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-login-throttle" };
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>Changing the admin password in Settings; its own lab, because the other tests log in with the old one.</summary>
public sealed class ChangePasswordTests(ChangePasswordTests.PasswordLab fixture, Chromium chromium)
    : IClassFixture<ChangePasswordTests.PasswordLab>, IClassFixture<Chromium>
{
    private const string NewPassword = "a-new-and-longer-passphrase";

    [Fact]
    public async Task TheNewPasswordLogsInTheOldOneNoLongerDoesAndOtherBrowsersAreSignedOut()
    {
        await using var other = await Panel.OpenAsync(chromium, fixture.Lab);
        await other.LoginAsync();
        await using var panel = await Panel.OpenAsync(chromium, fixture.Lab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        var page = panel.Page;

        // A wrong current password is an error on that field, and nothing changes.
        await page.GetByLabel("Current password").FillAsync("not-the-password");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(NewPassword);
        await page.GetByLabel("Confirm new password").FillAsync(NewPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        var currentField = page.Locator(".field").Filter(new() { Has = page.GetByLabel("Current password") });
        await Expect(currentField.Locator(".validation-message")).Not.ToHaveCountAsync(0);

        await page.GetByLabel("Current password").FillAsync(Lab.Lab.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        // This browser is signed in again and lands back on Settings; the other one is signed out.
        await Expect(page).ToHaveURLAsync(new Regex("/settings\\?password=changed"));
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Password changed" })).ToBeVisibleAsync();
        await panel.WaitInteractiveAsync();
        // The other browser's open dashboard notices on its own (its circuit re-checks every few seconds) ...
        await Expect(other.Page).ToHaveURLAsync(new Regex("/login\\?returnUrl=%2F"), new() { Timeout = 30_000 });
        // ... and its cookie no longer opens any page.
        await other.GotoAsync("/settings");
        await Expect(other.Page).ToHaveURLAsync(new Regex("/login"));
        await Expect(other.Page.GetByRole(AriaRole.Heading, new() { Name = "Settings" })).Not.ToBeVisibleAsync();
        await panel.GotoAsync("/settings");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Settings", Level = 1 })).ToBeVisibleAsync();
        await panel.WaitInteractiveAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
        await page.GetByLabel("Password").FillAsync(Lab.Lab.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Log in failed. Check the password and try again.");

        await panel.LoginAsync(NewPassword);
    }

    public sealed class PasswordLab : Lab.LabFixture
    {
        protected override Lab.LabOptions Options => new() { Name = "ui-change-password" };
    }
}

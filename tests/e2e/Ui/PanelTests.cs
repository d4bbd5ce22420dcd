using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// The admin panel driven in Chromium against a real lab: what the owner does in the browser must show up
/// as packets that pass or stop, and in what the REST API reports. Each test uses its own ports and names
/// and undoes what would disturb the others.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed partial class PanelTests(PanelLab fixture, Chromium chromium) : IClassFixture<PanelLab>, IClassFixture<Chromium>
{
    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    private Chromium Browser => chromium;

    [Fact]
    public async Task AWrongPasswordShowsAnErrorAndDoesNotLogIn()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        var page = panel.Page;

        // A page that needs login sends the browser to the login form.
        await page.GotoAsync("/mac-filters");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));

        // Keyboard only: type the password and press Enter.
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByLabel("Password").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Log in failed. Check the password and try again.");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
        await panel.ScreenshotAsync("login-error");

        // Still not logged in.
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(new Regex("/login"));
    }

    [Fact]
    public async Task LoggingInAndOutWorksFromTheForms()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.Page.GotoAsync("/login");
        await panel.ScreenshotAsync("login");
        await panel.LoginAsync();

        await panel.Page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await Expect(panel.Page).ToHaveURLAsync(new Regex("/login"));
        await panel.Page.GotoAsync("/settings");
        await Expect(panel.Page).ToHaveURLAsync(new Regex("/login"));
    }

    [Fact]
    public async Task TheDashboardFollowsTheAgentGoingAwayAndComingBackWithoutAReload()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        var page = panel.Page;
        var firewall = page.GetByRole(AriaRole.Region, new() { Name = "Firewall" });
        await Expect(firewall).ToContainTextAsync("Agent connected");

        try
        {
            await TheLab.StopAgentAsync();
            await Expect(firewall).ToContainTextAsync("Agent not connected");
            await Expect(firewall).ToContainTextAsync("Changes are saved but not applied until the agent is back");
            await panel.ScreenshotAsync("dashboard-agent-down");
        }
        finally
        {
            if (!TheLab.AgentRunning)
            {
                await TheLab.StartAgentAsync();
            }
        }

        await Expect(firewall).ToContainTextAsync("Agent connected");
        await Expect(firewall).ToContainTextAsync("up to date");
        await TheLab.WaitAppliedAsync(Api);
    }

    [Fact]
    public async Task ABadPortShowsTheFieldErrorAndStoresNothing()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
        var page = panel.Page;
        var revisionBefore = (await Api.GetJsonAsync("/api/v1/status"))["desiredRevision"]!.GetValue<long>();

        // Keyboard only: the form opens with the cursor in Name, Tab walks the fields in order, Enter submits.
        await page.GetByRole(AriaRole.Button, new() { Name = "Add port forward" }).PressAsync("Enter");
        await Expect(page.GetByLabel("Name")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("ui-bad-port");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Protocol")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("External port", new() { Exact = true })).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync("70000");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByLabel("Internal address")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(Lab.Lab.Lan1Ip);
        await page.Keyboard.PressAsync("Enter");

        // The message sits in the external port's own field, not somewhere on the page.
        var externalField = page.Locator(".field").Filter(new() { Has = page.GetByLabel("External port", new() { Exact = true }) });
        await Expect(externalField.Locator(".validation-message")).ToHaveTextAsync("A port between 1 and 65535.");
        await Expect(page.GetByLabel("External port", new() { Exact = true })).ToHaveClassAsync(new Regex(@"\binvalid\b"));
        await panel.ScreenshotAsync("port-forwards-field-error");

        var forwards = await Api.GetJsonArrayAsync("/api/v1/port-forwards");
        Assert.DoesNotContain(forwards, f => f?["name"]?.GetValue<string>() == "ui-bad-port");
        var revisionAfter = (await Api.GetJsonAsync("/api/v1/status"))["desiredRevision"]!.GetValue<long>();
        Assert.Equal(revisionBefore, revisionAfter);
    }

    [Fact]
    public async Task DenyListingAMacFilterAddedInTheUiStopsThatHostsPackets()
    {
        const int port = 7101;
        await using var server = TheLab.StartTcpEchoServer(TheLab.WanNs, port, "wan-host");
        await Lab.Lab.WaitForTcpListenerAsync(TheLab.WanNs, Lab.Lab.WanHostIp, port);
        Assert.Equal("wan-host", await Lab.Lab.TcpExchangeAsync(TheLab.Lan1Ns, Lab.Lab.WanHostIp, port));
        Assert.Equal("wan-host", await Lab.Lab.TcpExchangeAsync(TheLab.Lan2Ns, Lab.Lab.WanHostIp, port));

        try
        {
            await using var panel = await Panel.OpenAsync(chromium, TheLab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("MAC filters", "MAC filters");
            var page = panel.Page;
            // The browser runs on the router's host and reaches the web over loopback: no LAN MAC to name.
            await Expect(page.GetByTestId("this-device")).ToHaveTextAsync("This browser is not on the LAN; its MAC can't be checked.");

            await page.GetByRole(AriaRole.Button, new() { Name = "Add device" }).ClickAsync();
            await page.GetByLabel("MAC address").FillAsync(TheLab.Lan1Mac.ToUpperInvariant().Replace(':', '-'));
            await page.GetByLabel("Device name").FillAsync("lan1 laptop");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "lan1 laptop" }) });
            // Stored in the canonical lower-case colon form.
            await Expect(row).ToContainTextAsync(TheLab.Lan1Mac.ToLowerInvariant());

            // Allow-listing warns first that the admin's own device would be cut off; we don't confirm it.
            await page.GetByLabel("Allow listed").CheckAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("including the device you are using now");
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("This browser is not on the LAN; its MAC can't be checked.");
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Allow only listed devices" })).ToBeVisibleAsync();
            await panel.ScreenshotAsync("mac-filters-allow-warning");

            await page.GetByLabel("Deny listed").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Save mode" }).ClickAsync();
            await Expect(page.GetByText("Now: Deny listed")).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "applied" })).ToBeVisibleAsync();
            await TheLab.WaitAppliedAsync(Api);
            await panel.ScreenshotAsync("mac-filters");

            Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.Lan1Ns, Lab.Lab.WanHostIp, port));
            Assert.Equal("wan-host", await Lab.Lab.TcpExchangeAsync(TheLab.Lan2Ns, Lab.Lab.WanHostIp, port));
        }
        finally
        {
            // Leave lan1 usable for the other tests of this lab.
            await Api.PutJsonAsync("/api/v1/mac-filters/policy", new { mode = "off" });
            foreach (var filter in await Api.GetJsonArrayAsync("/api/v1/mac-filters"))
            {
                await Api.DeleteAsync($"/api/v1/mac-filters/{filter!["id"]!.GetValue<int>()}");
            }

            await TheLab.WaitAppliedAsync(Api);
        }
    }

    [Fact]
    public async Task AnApiTokenCreatedInTheUiWorksForAnHttpClientUntilRevoked()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        var page = panel.Page;

        await page.GetByLabel("Token name").FillAsync("ui-script");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var shown = page.GetByLabel("New API token");
        await Expect(shown).ToHaveValueAsync(new Regex(@"\S{16,}"));
        var token = await shown.InputValueAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeEnabledAsync();
        await panel.ScreenshotAsync("settings");

        using var client = new HttpClient { BaseAddress = new Uri(TheLab.WebUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var status = await client.GetJsonAsync("/api/v1/status");
        Assert.True(status["setupCompleted"]!.GetValue<bool>());
        await client.GetJsonArrayAsync("/api/v1/port-forwards");

        // Revoke it in the list: the same client is refused from then on.
        var tokens = page.GetByRole(AriaRole.Table, new() { Name = "API tokens" });
        await tokens.GetByRole(AriaRole.Button, new() { Name = "Revoke ui-script" }).ClickAsync();
        await tokens.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" }).ClickAsync();
        await Expect(tokens.GetByRole(AriaRole.Rowheader, new() { Name = "ui-script" })).ToHaveCountAsync(0);
        using var refused = await client.GetAsync("/api/v1/status");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task ALogLevelSetInTheUiMakesDroppedPacketsAppearInTheLiveTail()
    {
        const int closedPort = 2323;
        try
        {
            await using var panel = await Panel.OpenAsync(chromium, TheLab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("Logging", "Logging");
            var page = panel.Page;

            await page.GetByLabel("Dropped input").SelectOptionAsync(new SelectOptionValue { Label = "Warning" });
            await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved" })).ToBeVisibleAsync();
            await TheLab.WaitAppliedAsync(Api);
            var stored = await Api.GetJsonAsync("/api/v1/logging");
            Assert.Equal("warn", stored["droppedInput"]!.GetValue<string>());

            // A connection attempt from the WAN to a closed port of the router is dropped on input, and logged.
            Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, closedPort, timeout: TimeSpan.FromSeconds(1)));
            var tail = page.GetByRole(AriaRole.Table, new() { Name = "Firewall log" });
            var entry = tail.GetByRole(AriaRole.Row).Filter(new() { HasText = $":{closedPort}" }).First;
            await Expect(entry).ToContainTextAsync("dropped-input");
            await Expect(entry).ToContainTextAsync("Warning");
            await panel.ScreenshotAsync("logging");
            await page.SetViewportSizeAsync(Panel.PhoneWidth, 844);
            await panel.AssertNoSidewaysScrollAsync("Logging with entries");
            await panel.ScreenshotAsync("logging-entries-phone");
            await page.SetViewportSizeAsync(Panel.DesktopWidth, 900);

            // Filtered to err and above, the warn entry goes away; back at debug it returns.
            await page.GetByLabel("Minimum level").SelectOptionAsync(new SelectOptionValue { Label = "Error" });
            await Expect(tail.GetByRole(AriaRole.Row).Filter(new() { HasText = $":{closedPort}" })).ToHaveCountAsync(0);
            await page.GetByLabel("Minimum level").SelectOptionAsync(new SelectOptionValue { Label = "Debug" });
            await Expect(tail.GetByRole(AriaRole.Row).Filter(new() { HasText = $":{closedPort}" }).First).ToBeVisibleAsync();
        }
        finally
        {
            await Api.PutJsonAsync("/api/v1/logging", new { droppedInput = "off", droppedForward = "off", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10 });
            await TheLab.WaitAppliedAsync(Api);
        }
    }

    [Fact]
    public async Task ABadBackupIsRefusedWholeAndAGoodOneRestores()
    {
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        var page = panel.Page;

        // The download is the same document GET /api/v1/config returns.
        var download = await page.RunAndWaitForDownloadAsync(() =>
            page.GetByRole(AriaRole.Button, new() { Name = "Download backup" }).ClickAsync());
        var backupPath = Path.Combine(TheLab.ArtifactsDir, "backup.json");
        await download.SaveAsAsync(backupPath);
        var backup = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(backupPath))!.AsObject();
        var current = await Api.GetJsonAsync("/api/v1/config");
        Assert.Equal(current["network"]!.ToJsonString(), backup["network"]!.ToJsonString());

        // One good forward and one with a bad port: the whole file is refused and nothing changes.
        var bad = backup.DeepClone().AsObject();
        bad["portForwards"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["name"] = "ui-restore-ok", ["enabled"] = true, ["protocol"] = "tcp", ["externalPort"] = 9101, ["internalAddress"] = Lab.Lab.Lan1Ip },
            new System.Text.Json.Nodes.JsonObject { ["name"] = "ui-restore-bad", ["enabled"] = true, ["protocol"] = "tcp", ["externalPort"] = 70000, ["internalAddress"] = Lab.Lab.Lan1Ip });
        var badPath = Path.Combine(TheLab.ArtifactsDir, "backup-bad.json");
        await File.WriteAllTextAsync(badPath, bad.ToJsonString());
        var revisionBefore = (await Api.GetJsonAsync("/api/v1/status"))["desiredRevision"]!.GetValue<long>();
        await page.GetByLabel("Backup file to restore").SetInputFilesAsync(badPath);
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The backup was refused." });
        await Expect(refusal).ToContainTextAsync("portForwards[1].externalPort");
        await Expect(refusal).ToContainTextAsync("Nothing was changed.");
        Assert.DoesNotContain(await Api.GetJsonArrayAsync("/api/v1/port-forwards"), f => f?["name"]?.GetValue<string>() == "ui-restore-ok");
        Assert.Equal(revisionBefore, (await Api.GetJsonAsync("/api/v1/status"))["desiredRevision"]!.GetValue<long>());

        // A file that is not JSON at all is refused before anything is sent.
        var junkPath = Path.Combine(TheLab.ArtifactsDir, "backup-junk.json");
        await File.WriteAllTextAsync(junkPath, "this is not a backup");
        await page.GetByLabel("Backup file to restore").SetInputFilesAsync(junkPath);
        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "not a readable backup" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true })).ToBeDisabledAsync();

        // The downloaded backup itself restores cleanly.
        await page.GetByLabel("Backup file to restore").SetInputFilesAsync(backupPath);
        await page.GetByRole(AriaRole.Button, new() { Name = "Restore", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Restored from backup.json." })).ToBeVisibleAsync();
        await TheLab.WaitAppliedAsync(Api);
        Assert.Equal(current["network"]!.ToJsonString(), (await Api.GetJsonAsync("/api/v1/config"))["network"]!.ToJsonString());
    }

    [Fact]
    public async Task EveryScreenRendersOnADesktopAndFitsA390PixelPhone()
    {
        string[][] screens =
        [
            ["Dashboard", "Dashboard", "dashboard"],
            ["Port forwards", "Port forwards", "port-forwards"],
            ["MAC filters", "MAC filters", "mac-filters"],
            ["Logging", "Logging", "logging"],
            ["Settings", "Settings", "settings"],
        ];

        // Some content, so the pictures show a filled grid rather than empty states.
        var forward = await Api.PostJsonAsync("/api/v1/port-forwards", new
        {
            name = "nas-https",
            protocol = "tcp",
            externalPort = 8443,
            internalAddress = Lab.Lab.Lan1Ip,
            internalPort = 443,
            sourceCidr = "203.0.113.0/24",
        });
        var filter = await Api.PostJsonAsync("/api/v1/mac-filters", new { mac = TheLab.Lan2Mac, name = "kids tablet", enabled = true });
        try
        {
            await ScreenshotEveryScreenAsync(screens);
        }
        finally
        {
            await Api.DeleteAsync($"/api/v1/port-forwards/{forward!["id"]!.GetValue<int>()}");
            await Api.DeleteAsync($"/api/v1/mac-filters/{filter!["id"]!.GetValue<int>()}");
            await TheLab.WaitAppliedAsync(Api);
        }
    }

    private async Task ScreenshotEveryScreenAsync(string[][] screens)
    {
        await using (var desktop = await Panel.OpenAsync(chromium, TheLab))
        {
            await desktop.LoginAsync();
            foreach (var screen in screens)
            {
                await desktop.OpenFromMenuAsync(screen[0], screen[1]);
                await WaitForLiveDataAsync(desktop.Page, screen[0]);
                await desktop.AssertEveryInputHasAVisibleLabelAsync(screen[0]);
                await desktop.ScreenshotAsync($"{screen[2]}-desktop");
            }

            // The live ruleset as the kernel has it, on the settings screen.
            await Expect(desktop.Page.GetByLabel("Ruleset text")).ToContainTextAsync("table inet gateway");
            // Every asset came from the appliance itself.
            Assert.Empty(desktop.ForeignRequests);
        }

        await using var phone = await Panel.OpenAsync(chromium, TheLab, Panel.PhoneWidth, ColorScheme.Dark);
        await phone.Page.GotoAsync("/login");
        await phone.AssertNoSidewaysScrollAsync("Log in");
        await phone.AssertEveryInputHasAVisibleLabelAsync("Log in");
        await phone.ScreenshotAsync("login-phone");
        await phone.LoginAsync();
        foreach (var screen in screens)
        {
            await phone.OpenFromMenuAsync(screen[0], screen[1]);
            await WaitForLiveDataAsync(phone.Page, screen[0]);
            await phone.ScreenshotAsync($"{screen[2]}-phone");
            // Nothing may push the page sideways; wide tables scroll inside their own box.
            await phone.AssertNoSidewaysScrollAsync(screen[0]);
        }
    }

    // What the agent reports arrives after the first render; the screenshots should show it.
    private static async Task WaitForLiveDataAsync(IPage page, string screen)
    {
        if (screen == "Dashboard")
        {
            var network = page.GetByRole(AriaRole.Region, new() { Name = "Network" });
            await Expect(network.GetByText("up", new() { Exact = true }).First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("conntrack-total")).ToBeVisibleAsync();
            // The LAN row lists br-lan's addresses, the configured one among them: no second row repeats it.
            await Expect(network).ToContainTextAsync(Lab.Lab.LanCidr);
            var text = await network.InnerTextAsync();
            Assert.Equal(1, text.Split(Lab.Lab.LanCidr).Length - 1);
            Assert.DoesNotContain("LAN address", text, StringComparison.Ordinal);
        }
        else if (screen == "Settings")
        {
            await Expect(page.GetByLabel("Ruleset text")).ToContainTextAsync("table inet gateway");
        }
    }
}

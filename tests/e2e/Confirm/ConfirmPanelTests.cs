using System.Net.Http.Json;
using Gateway.Tests.E2e.Lab;
using Gateway.Tests.E2e.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Confirm;

/// <summary>
/// Commit-confirmed apply from the panel (Chromium), with <c>Apply:ConfirmSeconds</c> at 20 s: a LAN interface change
/// is risky, so the banner counts down on every page and tab; not kept, the previous table comes back byte for byte
/// and a LAN host reaches the router again; kept, it stays; a plain write (another tab, a script) keeps it too and
/// the writer is told so.
/// </summary>
public sealed class ConfirmPanelTests(ConfirmPanelTests.Fixture fixture, Chromium chromium)
    : IClassFixture<ConfirmPanelTests.Fixture>, IClassFixture<Chromium>
{
    public const int WindowSeconds = 20;
    private const int RouterPort = 7700;

    public sealed class Fixture : LabFixture
    {
        protected override LabOptions Options => new()
        {
            Name = "ui-confirm",
            WebEnvironment = new Dictionary<string, string> { ["Apply__ConfirmSeconds"] = WindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };

        /// <summary>A service on the router itself: LAN hosts reach it only while the LAN interface is right.</summary>
        protected override async Task OnSetUpAsync()
        {
            Lab.StartTcpEchoServer(Lab.RouterNs, RouterPort, "router-service");
            await Gateway.Tests.E2e.Lab.Lab.WaitForTcpListenerAsync(Lab.RouterNs, "127.0.0.1", RouterPort);
        }
    }

    private Lab.Lab TheLab => fixture.Lab;

    private HttpClient Api => fixture.Api;

    private async Task<bool> LanReachesTheRouterAsync() =>
        await Lab.Lab.TcpExchangeAsync(TheLab.Lan1Ns, Lab.Lab.RouterLanIp, RouterPort) == "router-service";

    private static async Task SetLanInterfaceAsync(IPage page, string name)
    {
        var network = page.GetByRole(AriaRole.Region, new() { Name = "Network" });
        var lan = network.GetByLabel("LAN interface", new() { Exact = true });
        await lan.FillAsync(name);
        await lan.PressAsync("Tab");
        await network.GetByRole(AriaRole.Button, new() { Name = "Save network" }).ClickAsync();
    }

    [Fact]
    public async Task AWrongLanInterfaceSavedInThePanelAndNotKeptComesBackAtTheDeadline()
    {
        await TheLab.WaitAppliedAsync(Api);
        var table = await ConfirmProbe.TableAsync(TheLab);
        var config = await ConfirmProbe.ConfigAsync(Api);
        var restored = await ConfirmProbe.DesiredAsync(Api);
        Assert.True(await LanReachesTheRouterAsync());

        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        await SetLanInterfaceAsync(panel.Page, "lan1");

        var banner = panel.Page.GetByTestId("confirm-banner");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" })).ToBeVisibleAsync();
        await Expect(banner.GetByTestId("confirm-countdown")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ s$"));
        var risky = await ConfirmProbe.DesiredAsync(Api);
        await ConfirmProbe.WaitPendingAsync(Api, risky);
        await panel.ScreenshotAsync("confirm-banner");

        // The owner cut off from this address opens the panel elsewhere: a new tab shows the banner too.
        var other = await panel.Page.Context.NewPageAsync();
        await other.GotoAsync("/firewall");
        await Expect(other.GetByTestId("confirm-banner")).ToBeVisibleAsync();
        Assert.False(await LanReachesTheRouterAsync(), "the wrong LAN interface should have closed the router to the LAN");

        // Not kept: the banner says what happened, and everything is as before.
        await Expect(panel.Page.GetByTestId("confirm-reverted")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await ConfirmProbe.WaitRevertStoredAsync(Api, risky, TimeSpan.FromSeconds(30));
        Assert.Equal(table, await ConfirmProbe.TableAsync(TheLab));
        Assert.Equal(config, await ConfirmProbe.ConfigAsync(Api));
        Assert.True(await LanReachesTheRouterAsync());
        Assert.Contains(ConfirmProbe.RevertLine(risky, WindowSeconds, restored), await ConfirmProbe.AgentLogAsync(TheLab), StringComparison.Ordinal);
        await Expect(other.GetByTestId("confirm-banner")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task KeepTheseChangesKeepsAChangeMadeInThePanel()
    {
        await TheLab.WaitAppliedAsync(Api);
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        await SetLanInterfaceAsync(panel.Page, "lan1");
        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeVisibleAsync();
        var revision = await ConfirmProbe.DesiredAsync(Api);
        var deadline = await ConfirmProbe.WaitPendingAsync(Api, revision);

        // Kept from another page of the panel.
        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
        await panel.Page.GetByRole(AriaRole.Button, new() { Name = "Keep these changes" }).ClickAsync();
        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeHiddenAsync();
        Assert.Null(await ConfirmProbe.PendingAsync(Api));

        await ConfirmProbe.SleepPastAsync(deadline, TimeSpan.FromSeconds(3));
        Assert.Equal(revision, await ConfirmProbe.DesiredAsync(Api));
        Assert.Equal("lan1", (await Api.GetJsonAsync("/api/v1/network"))["lanInterface"]!.GetValue<string>());
        Assert.False(await LanReachesTheRouterAsync());

        // Put the lab back (REST without ?confirm: applied and kept at once).
        await Api.UpdateNetworkAsync(TheLab, n => n["lanInterface"] = TheLab.LanInterface);
        Assert.Null(await ConfirmProbe.PendingAsync(Api));
        Assert.True(await LanReachesTheRouterAsync());
    }

    private static async Task AddForwardAsync(IPage page, string name, int port)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Add port forward" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Protocol").SelectOptionAsync(new SelectOptionValue { Label = "TCP" });
        await page.GetByLabel("External port", new() { Exact = true }).FillAsync($"{port}");
        await page.GetByLabel("Internal address").FillAsync(Lab.Lab.Lan1Ip);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Rowheader, new() { Name = name, Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task APlainWriteInAnotherTabKeepsTheTrialAndSaysSo()
    {
        await TheLab.WaitAppliedAsync(Api);
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Settings", "Settings");
        await SetLanInterfaceAsync(panel.Page, "lan1");
        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeVisibleAsync();
        var trial = await ConfirmProbe.DesiredAsync(Api);
        var deadline = await ConfirmProbe.WaitPendingAsync(Api, trial);

        // The second tab adds a forward (not risky: a plain write). It keeps the trial, and that tab is told so.
        var other = await panel.Page.Context.NewPageAsync();
        await other.GotoAsync("/port-forwards");
        await Expect(other.GetByTestId("confirm-banner")).ToBeVisibleAsync();
        await AddForwardAsync(other, "second-tab", 8710);
        await Expect(other.GetByTestId("confirm-kept-by-write")).ToContainTextAsync($"revision {trial}");
        await Expect(other.GetByTestId("confirm-banner")).ToBeHiddenAsync();
        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeHiddenAsync();
        Assert.Null(await ConfirmProbe.PendingAsync(Api));

        // Past the deadline both writes stay.
        var kept = await ConfirmProbe.DesiredAsync(Api);
        await ConfirmProbe.SleepPastAsync(deadline, TimeSpan.FromSeconds(3));
        Assert.Equal(kept, await ConfirmProbe.DesiredAsync(Api));
        Assert.Equal("lan1", (await Api.GetJsonAsync("/api/v1/network"))["lanInterface"]!.GetValue<string>());
        Assert.Contains(await Api.GetJsonArrayAsync("/api/v1/port-forwards"), f => f!["name"]!.GetValue<string>() == "second-tab");
        await Expect(panel.Page.GetByTestId("confirm-reverted")).ToBeHiddenAsync();

        await Api.UpdateNetworkAsync(TheLab, n => n["lanInterface"] = TheLab.LanInterface);
        Assert.True(await LanReachesTheRouterAsync());
    }

    [Fact]
    public async Task RestAndPanelWritesKeepEachOthersTrials()
    {
        await TheLab.WaitAppliedAsync(Api);
        await using var panel = await Panel.OpenAsync(chromium, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");

        // A script's trial, kept by a plain write in the panel.
        var forwards = await Api.GetJsonArrayAsync("/api/v1/port-forwards");
        await Api.PostJsonAsync("/api/v1/port-forwards?confirm=30", new { name = "script-trial", protocol = "tcp", externalPort = 8720, internalAddress = Lab.Lab.Lan1Ip, internalPort = 8720 });
        var restTrial = await ConfirmProbe.DesiredAsync(Api);
        await ConfirmProbe.WaitPendingAsync(Api, restTrial);
        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeVisibleAsync();
        await AddForwardAsync(panel.Page, "panel-plain", 8721);
        await Expect(panel.Page.GetByTestId("confirm-kept-by-write")).ToContainTextAsync($"revision {restTrial}");
        Assert.Null(await ConfirmProbe.PendingAsync(Api));

        // A panel trial, kept by a plain REST write, whose answer says so.
        await panel.OpenFromMenuAsync("Settings", "Settings");
        await SetLanInterfaceAsync(panel.Page, "lan1");
        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeVisibleAsync(); // the save is through
        var panelTrial = await ConfirmProbe.DesiredAsync(Api);
        var deadline = await ConfirmProbe.WaitPendingAsync(Api, panelTrial);
        using (var plain = await Api.PostAsJsonAsync("/api/v1/port-forwards", new { name = "script-plain", protocol = "tcp", externalPort = 8722, internalAddress = Lab.Lab.Lan1Ip, internalPort = 8722 }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, plain.StatusCode);
            Assert.Equal($"{panelTrial}", Assert.Single(plain.Headers.GetValues("Gateway-Confirmed-Trial")));
        }

        await Expect(panel.Page.GetByTestId("confirm-banner")).ToBeHiddenAsync();
        var kept = await ConfirmProbe.DesiredAsync(Api);
        await ConfirmProbe.SleepPastAsync(deadline, TimeSpan.FromSeconds(3));
        Assert.Equal(kept, await ConfirmProbe.DesiredAsync(Api));
        var names = (await Api.GetJsonArrayAsync("/api/v1/port-forwards")).Select(f => f!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(forwards.Count + 3, names.Count);
        Assert.Contains("script-trial", names);
        Assert.Contains("panel-plain", names);
        Assert.Contains("script-plain", names);
        Assert.Equal("lan1", (await Api.GetJsonAsync("/api/v1/network"))["lanInterface"]!.GetValue<string>());

        await Api.UpdateNetworkAsync(TheLab, n => n["lanInterface"] = TheLab.LanInterface);
        Assert.True(await LanReachesTheRouterAsync());
    }
}

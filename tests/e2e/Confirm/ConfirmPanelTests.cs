using Gateway.Tests.E2e.Lab;
using Gateway.Tests.E2e.Ui;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Confirm;

/// <summary>
/// Commit-confirmed apply from the panel (Chromium), with <c>Apply:ConfirmSeconds</c> at 20 s: a LAN interface change
/// is risky, so the banner counts down on every page and tab; not kept, the previous table comes back byte for byte
/// and a LAN host reaches the router again; kept, it stays.
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
}

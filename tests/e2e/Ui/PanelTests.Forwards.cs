using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gateway.Tests.E2e.Ui;

/// <summary>Port forwards made in the panel: real packets follow what the owner clicks, and live connections show in the row.</summary>
public sealed partial class PanelTests
{
    [Fact]
    public async Task APortForwardAddedInTheUiCarriesRealPacketsFollowsAnEditAndSwitchingItOffBlocksThem()
    {
        const int port = 8081;
        await using var server = TheLab.StartTcpEchoServer(TheLab.Lan1Ns, port, "lan1-web");
        await Lab.Lab.WaitForTcpListenerAsync(TheLab.Lan1Ns, Lab.Lab.Lan1Ip, port);
        // Nothing forwards this port yet: the WAN host gets no answer.
        Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, port));

        await using var panel = await Panel.OpenAsync(Browser, TheLab);
        await panel.LoginAsync();
        await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
        var page = panel.Page;

        await page.GetByRole(AriaRole.Button, new() { Name = "Add port forward" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("ui-web");
        await page.GetByLabel("Protocol").SelectOptionAsync(new SelectOptionValue { Label = "TCP" });
        await page.GetByLabel("External port", new() { Exact = true }).FillAsync($"{port}");
        await page.GetByLabel("Internal address").FillAsync(Lab.Lab.Lan1Ip);
        await panel.ScreenshotAsync("port-forwards-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();

        var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "ui-web", Exact = true }) });
        await Expect(row).ToContainTextAsync($"{Lab.Lab.Lan1Ip}:{port}");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "applied" })).ToBeVisibleAsync();
        await TheLab.WaitAppliedAsync(Api);
        Assert.Equal("lan1-web", await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, port));
        await panel.ScreenshotAsync("port-forwards");

        // Edit: move it to another external port, still to the same internal port.
        const int movedPort = 8083;
        await row.GetByRole(AriaRole.Button, new() { Name = "Edit ui-web" }).ClickAsync();
        await Expect(page.GetByLabel("External port", new() { Exact = true })).ToHaveValueAsync($"{port}");
        await page.GetByLabel("External port", new() { Exact = true }).FillAsync($"{movedPort}");
        await page.GetByLabel("Internal port").FillAsync($"{port}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Expect(row).ToContainTextAsync($"{movedPort}");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "applied" })).ToBeVisibleAsync();
        await TheLab.WaitAppliedAsync(Api);
        Assert.Equal("lan1-web", await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, movedPort));
        Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, port));

        // Switch it off in the grid: new connections from the WAN stop.
        var enabled = page.GetByRole(AriaRole.Switch, new() { Name = "Enabled: ui-web" });
        await Expect(enabled).ToBeCheckedAsync();
        await enabled.UncheckAsync();
        await Expect(enabled).Not.ToBeCheckedAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "applied" })).ToBeVisibleAsync();
        await TheLab.WaitAppliedAsync(Api);
        var forwards = await Api.GetJsonArrayAsync("/api/v1/port-forwards");
        var stored = Assert.Single(forwards, f => f?["name"]?.GetValue<string>() == "ui-web");
        Assert.False(stored!["enabled"]!.GetValue<bool>());
        Assert.Null(await Lab.Lab.TcpExchangeAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, movedPort));

        // Delete with confirmation; it is gone from the REST API too.
        await row.GetByRole(AriaRole.Button, new() { Name = "Delete ui-web" }).ClickAsync();
        // Asking moves the focus to the safe choice.
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeFocusedAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        forwards = await Api.GetJsonArrayAsync("/api/v1/port-forwards");
        Assert.DoesNotContain(forwards, f => f?["name"]?.GetValue<string>() == "ui-web");
    }

    [Fact]
    public async Task AHeldConnectionShowsInItsForwardsRowWithoutAReload()
    {
        const int port = 8082;
        await using var server = TheLab.StartTcpEchoServer(TheLab.Lan2Ns, port, "lan2-ssh");
        await Lab.Lab.WaitForTcpListenerAsync(TheLab.Lan2Ns, Lab.Lab.Lan2Ip, port);
        var created = await Api.PostJsonAsync("/api/v1/port-forwards", new
        {
            name = "ui-held",
            protocol = "tcp",
            externalPort = port,
            internalAddress = Lab.Lab.Lan2Ip,
        });
        var id = created!["id"]!.GetValue<int>();
        try
        {
            await TheLab.WaitAppliedAsync(Api);
            await using var panel = await Panel.OpenAsync(Browser, TheLab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
            var page = panel.Page;
            var row = page.GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "ui-held", Exact = true }) });
            var count = row.Locator("td[data-col=connections]");
            await Expect(count).ToHaveTextAsync("0");

            // The page is already open: the count must arrive over the live circuit, not a reload.
            using var held = await Lab.Lab.OpenTcpAsync(TheLab.WanNs, Lab.Lab.RouterWanIp, port);
            Assert.NotNull(held);
            Assert.Equal("lan2-ssh", await held.ExchangeAsync());
            await Expect(count).ToHaveTextAsync(new Regex("^[1-9][0-9]*$"));
            await panel.ScreenshotAsync("port-forwards-live-count");

            // The web keeps the total's history (also over REST); wait until it holds a few seconds' worth.
            var kept = 0;
            for (var deadline = DateTime.UtcNow.AddSeconds(30); kept < 8 && DateTime.UtcNow < deadline; await Task.Delay(250))
            {
                kept = (await Api.GetJsonArrayAsync("/api/v1/conntrack/history?seconds=300")).Count;
            }

            Assert.True(kept >= 8, $"the conntrack history holds {kept} points");

            // The dashboard shows the same forward in its per-forward table.
            await panel.OpenFromMenuAsync("Dashboard", "Dashboard");
            var dashboardRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "ui-held" });
            await Expect(dashboardRow).ToContainTextAsync(new Regex(@"ui-held\s*[1-9]"));
            // The chart starts from that history, not from the page opening: a line from the first render.
            var chart = page.GetByRole(AriaRole.Img, new() { NameRegex = new Regex("^Connections: latest [0-9]+") });
            var points = await chart.Locator("polyline").GetAttributeAsync("points");
            Assert.True(points!.Split(' ').Length >= 8, $"the chart opened with {points}");
            await Expect(page.GetByText(new Regex(@"last ([89]|[1-9][0-9]+) seconds|last minute|last [2-5] minutes"))).ToBeVisibleAsync();
            await panel.ScreenshotAsync("dashboard");
        }
        finally
        {
            await Api.DeleteAsync($"/api/v1/port-forwards/{id}");
            await TheLab.WaitAppliedAsync(Api);
        }
    }

    [Fact]
    public async Task EnablingAForwardThatOverlapsAnotherIsRefusedWithTheReasonAndTheSwitchStaysOff()
    {
        const int port = 8090;
        var first = await Api.PostJsonAsync("/api/v1/port-forwards", new { name = "ui-first", protocol = "tcp", externalPort = port, internalAddress = Lab.Lab.Lan1Ip });
        var second = await Api.PostJsonAsync("/api/v1/port-forwards", new { name = "ui-second", enabled = false, protocol = "both", externalPort = port, internalAddress = Lab.Lab.Lan2Ip });
        try
        {
            await using var panel = await Panel.OpenAsync(Browser, TheLab);
            await panel.LoginAsync();
            await panel.OpenFromMenuAsync("Port forwards", "Port forwards");
            var page = panel.Page;

            var secondSwitch = page.GetByRole(AriaRole.Switch, new() { Name = "Enabled: ui-second" });
            await Expect(secondSwitch).Not.ToBeCheckedAsync();
            await secondSwitch.ClickAsync();
            await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("“ui-second” was not enabled");
            await Expect(secondSwitch).Not.ToBeCheckedAsync();
            var stored = await Api.GetJsonAsync($"/api/v1/port-forwards/{second!["id"]!.GetValue<int>()}");
            Assert.False(stored["enabled"]!.GetValue<bool>());
        }
        finally
        {
            await Api.DeleteAsync($"/api/v1/port-forwards/{first!["id"]!.GetValue<int>()}");
            await Api.DeleteAsync($"/api/v1/port-forwards/{second!["id"]!.GetValue<int>()}");
            await TheLab.WaitAppliedAsync(Api);
        }
    }
}

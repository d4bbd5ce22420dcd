using System.Net;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Api;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// The Firewall, Logging and Dashboard pages as the server first renders them, with a fake agent's counters and
/// drift report: what the browser sees before the live circuit takes over (the live part is the e2e test's).
/// </summary>
public sealed class FirewallPageRenderTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_pages_show_the_agents_counters_the_rules_that_log_and_a_drift()
    {
        int id;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var rules = scope.ServiceProvider.GetRequiredService<RuleService>();
            var created = await rules.CreateAsync(new RuleInput(
                "no telnet", null, RuleChain.Input, null, "wan0", null, RuleProtocol.Tcp, null, null, 23, null, null,
                RuleAction.Reject, RejectWith.TcpReset, FirewallLogLevel.Warn, null));
            Assert.True(created.Succeeded);
            id = created.Value!.Id;
        }

        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        var link = _app.Services.GetRequiredService<AgentClient>();
        var counted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var drifted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        link.CountersReceived += _ => counted.TrySetResult();
        link.DriftDetected += _ => drifted.TrySetResult();
        await agent.PushAsync(new CountersSample([new RuleHits(id, 12, 3400)], DateTimeOffset.UtcNow));
        await counted.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(cookie);
        var firewall = await PageAsync("/firewall", cookie);
        Assert.Contains("aria-label=\"Hits: 12 packets, 3400 bytes\"", firewall, StringComparison.Ordinal);
        Assert.Contains("12 pkts · 3.3 KiB", firewall, StringComparison.Ordinal);
        Assert.Contains("in wan0 · TCP · port 23", firewall, StringComparison.Ordinal);
        Assert.Contains("with tcp-reset", firewall, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"Move no telnet up\"", firewall, StringComparison.Ordinal);
        Assert.Contains("Save protection", firewall, StringComparison.Ordinal);
        Assert.DoesNotContain("changed outside Gateway", firewall, StringComparison.Ordinal);

        var logging = await PageAsync("/logging", cookie);
        Assert.Contains("Rules that log", logging, StringComparison.Ordinal);
        Assert.Contains(">no telnet</a>", logging, StringComparison.Ordinal);
        Assert.Contains("for=\"log-dos\"", logging, StringComparison.Ordinal);

        await agent.PushAsync(new DriftEvent(DateTimeOffset.UtcNow, "table inet gateway was deleted", Repaired: true));
        await drifted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var dashboard = await PageAsync("/", cookie);
        Assert.Contains("The firewall was changed outside Gateway", dashboard, StringComparison.Ordinal);
        Assert.Contains("table inet gateway was deleted", dashboard, StringComparison.Ordinal);
        Assert.Contains("The firewall was changed outside Gateway", await PageAsync("/firewall", cookie), StringComparison.Ordinal);
    }

    private async Task<string> PageAsync(string path, string? cookie)
    {
        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
    }
}

using System.Net;
using Gateway.Shared.Config;
using Gateway.Tests.Unit.Api;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Web;

/// <summary>The network settings form as the server first renders it shows the stored IPv6 setting.</summary>
public sealed class Ipv6SettingsRenderTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_network_form_shows_ipv6_off_then_the_stored_static_address()
    {
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(cookie);
        var off = await PageAsync("/settings", cookie);
        Assert.Contains("IPv6 on the LAN", off, StringComparison.Ordinal);
        Assert.Contains("No IPv6 is routed", off, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"net-lan-ipv6-address\"", off, StringComparison.Ordinal);

        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var network = scope.ServiceProvider.GetRequiredService<NetworkService>();
            var saved = await network.SetAsync(new NetworkSettings("ppp*", "br-lan", "192.168.1.1/24", true, "2001:db8:1::1/64"));
            Assert.True(saved.Succeeded);
        }

        var on = await PageAsync("/settings", cookie);
        Assert.Contains("id=\"net-lan-ipv6-address\"", on, StringComparison.Ordinal);
        Assert.Contains("value=\"2001:db8:1::1/64\"", on, StringComparison.Ordinal);
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

using System.Net;
using Gateway.Web.Auth;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>A password change signs out every browser cookie issued before it; API tokens stay valid.</summary>
public sealed class PasswordChangeSignOutTests : IAsyncLifetime
{
    private const string NewPassword = "a brand new passphrase";

    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_cookie_from_before_the_change_gets_401_while_a_token_and_a_new_sign_in_work()
    {
        var laptop = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        var phone = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(laptop);
        Assert.NotNull(phone);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(laptop));
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(phone));

        Assert.True((await ChangePasswordAsync(GatewayApplication.Password, NewPassword)).Succeeded);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(laptop));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(phone));
        using (var scripts = _app.CreateAuthorizedClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await scripts.GetAsync("/api/v1/status")).StatusCode);
        }

        Assert.Null(await BrowserLogin.CookieAsync(_app, GatewayApplication.Password));
        var again = await BrowserLogin.CookieAsync(_app, NewPassword);
        Assert.NotNull(again);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(again));
    }

    [Fact]
    public async Task A_failed_change_signs_nobody_out()
    {
        var laptop = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(laptop);

        Assert.False((await ChangePasswordAsync("not the password", NewPassword)).Succeeded);
        Assert.False((await ChangePasswordAsync(GatewayApplication.Password, "short")).Succeeded);

        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(laptop));
    }

    [Fact]
    public async Task The_panel_re_signs_in_the_changing_browser_through_a_one_time_ticket_and_returns_to_settings()
    {
        var before = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.True((await ChangePasswordAsync(GatewayApplication.Password, NewPassword)).Succeeded);
        var ticket = _app.Services.GetRequiredService<LoginTickets>().Issue();

        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/account/ticket?t={ticket}&returnUrl={Uri.EscapeDataString("/settings?password=changed#password")}");
        request.Headers.Add("Cookie", before!); // the browser still sends its old cookie
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/settings?password=changed#password", response.Headers.Location?.OriginalString);
        var reissued = BrowserLogin.AuthCookie(response);
        Assert.NotNull(reissued);
        Assert.Equal(HttpStatusCode.OK, await StatusWithCookieAsync(reissued));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithCookieAsync(before!));

        // Single use, and a foreign return address falls back to the home page.
        using var replay = await client.GetAsync($"/account/ticket?t={ticket}");
        Assert.Equal("/login", replay.Headers.Location?.OriginalString);
        using var foreign = await client.GetAsync($"/account/ticket?t={_app.Services.GetRequiredService<LoginTickets>().Issue()}&returnUrl=//evil.example/");
        Assert.Equal("/", foreign.Headers.Location?.OriginalString);
    }

    private async Task<Gateway.Web.State.Outcome<bool>> ChangePasswordAsync(string current, string next)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AdminAccountService>().ChangePasswordAsync(current, next);
    }

    private async Task<HttpStatusCode> StatusWithCookieAsync(string cookie)
    {
        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/status");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}

using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Unit.Api;

/// <summary>The browser's POST /account/login form, with a real antiforgery token pair.</summary>
public sealed class LoginFormTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_right_password_sets_the_cookie_and_redirects_to_the_local_return_url()
    {
        var response = await PostLoginAsync(GatewayApplication.Password, "/port-forwards");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/port-forwards", response.Headers.Location?.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gateway.auth=", StringComparison.Ordinal));

        using var browser = _app.CreateApiClient();
        browser.DefaultRequestHeaders.Add("Cookie", cookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/status")).StatusCode);
    }

    [Fact]
    public async Task A_foreign_return_url_is_replaced_by_the_home_page()
    {
        var response = await PostLoginAsync(GatewayApplication.Password, "//evil.example/");
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Wrong_passwords_redirect_with_an_error_then_with_throttled_and_set_no_cookie()
    {
        for (var i = 1; i <= 4; i++)
        {
            var wrong = await PostLoginAsync($"wrong password {i}", null);
            Assert.Equal("/login?error=1", wrong.Headers.Location?.OriginalString);
            Assert.False(wrong.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("gateway.auth=", StringComparison.Ordinal)));
        }

        Assert.Equal("/login?error=throttled", (await PostLoginAsync("wrong password 5", null)).Headers.Location?.OriginalString);
        var right = await PostLoginAsync(GatewayApplication.Password, null);
        Assert.Equal("/login?error=throttled", right.Headers.Location?.OriginalString);

        // The form and HTTP Basic share the throttle.
        using var client = _app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", GatewayApplication.Password);
        using var body = new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/api/v1/tokens", body)).StatusCode);
    }

    [Fact]
    public async Task Logout_clears_the_cookie()
    {
        var tokens = AntiforgeryTokens();
        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { [tokens.FormField] = tokens.RequestToken }),
        };
        request.Headers.Add("Cookie", $"{tokens.CookieName}={tokens.CookieToken}");
        var response = await client.SendAsync(request);
        Assert.Equal("/login", response.Headers.Location?.OriginalString);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("gateway.auth=;", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> PostLoginAsync(string password, string? returnUrl)
    {
        var tokens = AntiforgeryTokens();
        var form = new Dictionary<string, string> { ["password"] = password, [tokens.FormField] = tokens.RequestToken };
        if (returnUrl is not null)
        {
            form["returnUrl"] = returnUrl;
        }

        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", $"{tokens.CookieName}={tokens.CookieToken}");
        return await client.SendAsync(request);
    }

    /// <summary>A cookie/form token pair minted by the app's own antiforgery service, as a rendered form would carry.</summary>
    private (string CookieName, string CookieToken, string FormField, string RequestToken) AntiforgeryTokens()
    {
        var antiforgery = _app.Services.GetRequiredService<IAntiforgery>();
        var options = _app.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        var set = antiforgery.GetTokens(context);
        return (options.Cookie.Name!, set.CookieToken!, set.FormFieldName, set.RequestToken!);
    }
}

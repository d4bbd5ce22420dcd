using System.Net;
using System.Net.Http.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Findings of the security review about sessions and forms: logout, antiforgery, headers.</summary>
public sealed class SecuritySessionTests : IAsyncLifetime
{
    private readonly SecurityHttpApplication _app = new();

    public Task InitializeAsync() => _app.CompleteSetupAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_copied_cookie_is_401_after_logout_and_can_no_longer_mint_tokens()
    {
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(cookie);
        using var copy = _app.CreateApiClient();
        copy.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await copy.GetAsync("/api/v1/status")).StatusCode);

        var logout = await PostLogoutAsync(cookie, withToken: true);
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/login", logout.Headers.Location?.OriginalString);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.GetAsync("/api/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.PostAsJsonAsync("/api/v1/tokens", new { name = "stolen" })).StatusCode);
        var page = await copy.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logging_out_one_browser_leaves_another_signed_in()
    {
        var first = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        var second = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        await PostLogoutAsync(first!, withToken: true);

        using var other = _app.CreateApiClient();
        other.DefaultRequestHeaders.Add("Cookie", second);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/status")).StatusCode);
    }

    [Fact]
    public async Task Sessions_survive_a_restart_of_the_web_and_a_logged_out_one_stays_out()
    {
        var kept = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        var ended = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        await PostLogoutAsync(ended!, withToken: true);

        // A second web on the same database and keys: nothing cached, everything read from the table.
        await using var restarted = new SecondWeb(_app);
        using var client = restarted.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("Cookie", kept);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/status")).StatusCode);
        using var stale = restarted.CreateClient(new() { AllowAutoRedirect = false });
        stale.DefaultRequestHeaders.Add("Cookie", ended);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stale.GetAsync("/api/v1/status")).StatusCode);
    }

    [Fact]
    public async Task A_logout_post_without_an_antiforgery_token_is_refused_and_signs_nobody_out()
    {
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        var response = await PostLogoutAsync(cookie!, withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var client = _app.CreateApiClient();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/status")).StatusCode);
    }

    [Fact]
    public async Task A_login_post_without_a_valid_antiforgery_token_is_a_short_400()
    {
        using var client = _app.CreateApiClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = GatewayApplication.Password });
        var missing = await client.PostAsync("/account/login", form);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.True((await missing.Content.ReadAsStringAsync()).Length < 500);
        Assert.Null(BrowserLogin.AuthCookie(missing));

        using var forged = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = GatewayApplication.Password,
            ["__RequestVerificationToken"] = "CfDJ8-not-a-token",
        });
        var bad = await client.PostAsync("/account/login", forged);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Null(BrowserLogin.AuthCookie(bad));
    }

    [Theory]
    [InlineData("/login")]
    [InlineData("/api/docs")]
    [InlineData("/api/v1/status")]
    [InlineData("/metrics")]
    [InlineData("/no-such-page")]
    public async Task Every_response_forbids_framing_and_sniffing_and_keeps_the_referrer_on_site(string path)
    {
        using var client = _app.CreateApiClient();
        var response = await client.GetAsync(path);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("same-origin", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Panel_pages_run_only_their_own_scripts()
    {
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        using var client = _app.CreateApiClient();
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        var page = await client.GetAsync("/settings");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = Header(page, "Content-Security-Policy");
        var scripts = policy.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        var nonce = System.Text.RegularExpressions.Regex.Match(scripts, "^script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'$");
        Assert.True(nonce.Success, scripts);
        // The one inline script, the import map, carries exactly that nonce; nothing else may run inline.
        var html = await page.Content.ReadAsStringAsync();
        // Razor HTML-encodes the attribute (a "+" of the base64 nonce is "&#x2B;"); the browser reads it decoded.
        var importMap = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(html, "<script[^>]*type=\"importmap\"[^>]*>").Value);
        Assert.Contains($"nonce=\"{nonce.Groups[1].Value}\"", importMap, StringComparison.Ordinal);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(html, "<script(?![^>]*\\bsrc=)"));
    }

    private async Task<HttpResponseMessage> PostLogoutAsync(string cookie, bool withToken)
    {
        var (token, antiforgeryCookie) = await _app.FormTokensAsync(cookie);
        using var client = _app.CreateApiClient();
        var form = withToken ? new Dictionary<string, string> { ["__RequestVerificationToken"] = token } : [];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/logout") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", $"{cookie}; {antiforgeryCookie}");
        return await client.SendAsync(request);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content)
        : "";

    /// <summary>Another web process over the first one's database and key folder (in memory; no agent).</summary>
    private sealed class SecondWeb(GatewayApplication first) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Gateway.Web.Program>
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:Gateway", $"Data Source={first.DatabasePath}");
            builder.UseSetting("Agent:SocketPath", first.SocketPath);
        }
    }
}

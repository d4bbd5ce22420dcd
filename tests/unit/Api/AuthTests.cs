using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

public sealed class AuthTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Theory]
    [InlineData("/api/v1/status")]
    [InlineData("/api/v1/port-forwards")]
    [InlineData("/api/v1/mac-filters")]
    [InlineData("/api/v1/config")]
    [InlineData("/api/v1/tokens")]
    [InlineData("/api/v1/ruleset")]
    [InlineData("/api/v1/interfaces")]
    public async Task Without_credentials_the_api_answers_401_problem_never_a_redirect(string path)
    {
        using var client = app.CreateApiClient();
        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unauthorized", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("gw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("not-a-token")]
    [InlineData("")]
    [InlineData("gw_' OR 1=1 --")]
    public async Task An_unknown_bearer_token_is_401(string token)
    {
        using var client = app.CreateApiClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/status")).StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_is_401_and_creates_no_token()
    {
        var before = await app.CountRowsAsync("ApiTokens");
        using var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", "wrong password!");
        var response = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "nope" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Basic", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Equal(before, await app.CountRowsAsync("ApiTokens"));
    }

    [Fact]
    public async Task A_wrong_user_name_is_401()
    {
        using var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("root", GatewayApplication.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/tokens", new { name = "nope" })).StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_cannot_mint_more_tokens()
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/tokens", new { name = "child" })).StatusCode);
    }

    [Fact]
    public async Task A_token_is_created_shown_once_used_listed_without_secret_and_revoked()
    {
        var token = await app.CreateTokenAsync("ci script");
        Assert.Matches("^gw_[A-Za-z0-9_-]{43}$", token);

        using var client = app.CreateClientWithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/status")).StatusCode);

        var listText = await client.GetStringAsync("/api/v1/tokens");
        Assert.DoesNotContain(token, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(token[3..], listText, StringComparison.Ordinal);
        var listed = JsonDocument.Parse(listText).RootElement.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "ci script");
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.False(listed.TryGetProperty("token", out _));
        Assert.False(listed.TryGetProperty("hash", out _));

        var id = listed.GetProperty("id").GetInt32();
        using var other = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
    }

    [Fact]
    public async Task Only_the_hash_of_a_token_is_stored()
    {
        var token = await app.CreateTokenAsync("hash check");
        var bytes = await File.ReadAllBytesAsync(app.DatabasePath);
        var wal = app.DatabasePath + "-wal";
        var all = System.Text.Encoding.Latin1.GetString(bytes) + (File.Exists(wal) ? System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync(wal)) : "");
        Assert.DoesNotContain(token[3..], all, StringComparison.Ordinal);
        Assert.Contains(Gateway.Web.Auth.ApiTokenFormat.Hash(token), all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_name_must_be_a_valid_name()
    {
        using var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", GatewayApplication.Password);
        var response = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "bad\nname" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task The_setup_ticket_signs_a_browser_in_once_and_the_cookie_opens_the_api()
    {
        // The ticket comes from the service the setup page uses; REST setup doesn't return it.
        var tickets = (Gateway.Web.Auth.LoginTickets)app.Services.GetService(typeof(Gateway.Web.Auth.LoginTickets))!;
        var ticket = tickets.Issue();
        using var client = app.CreateApiClient();

        var redeemed = await client.GetAsync($"/account/ticket?t={Uri.EscapeDataString(ticket)}");
        Assert.Equal(HttpStatusCode.Redirect, redeemed.StatusCode);
        Assert.Equal("/", redeemed.Headers.Location?.OriginalString);
        var setCookie = redeemed.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("gateway.auth=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);

        using var browser = app.CreateApiClient();
        browser.DefaultRequestHeaders.Add("Cookie", setCookie.Split(';')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/status")).StatusCode);
        var created = await browser.PostAsJsonAsync("/api/v1/tokens", new { name = "from the browser" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var again = await client.GetAsync($"/account/ticket?t={Uri.EscapeDataString(ticket)}");
        Assert.Equal("/login", again.Headers.Location?.OriginalString);
        Assert.False(again.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_login_form_refuses_a_post_without_an_antiforgery_token()
    {
        using var client = app.CreateApiClient();
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = GatewayApplication.Password,
        }));
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("gateway.auth=", StringComparison.Ordinal)));
        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Malformed_basic_credentials_are_401()
    {
        using var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/tokens", new { name = "x" })).StatusCode);
    }
}

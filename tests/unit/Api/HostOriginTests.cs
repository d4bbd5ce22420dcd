using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// DNS rebinding: a request for a host name that is not the router's gets 421 and changes nothing; a write whose
/// Origin is another site's gets 403 — on setup, on minting a token with a cookie, Basic or a bearer token — while the
/// router's own addresses, localhost and configured names keep working.
/// </summary>
public sealed class HostOriginTests : IAsyncLifetime
{
    private const string Attacker = "rebind.attacker.example";
    private readonly GatewayApplication _app = new HostNamesApplication();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Setup_from_a_rebound_host_or_a_foreign_origin_is_refused_and_not_done()
    {
        using var client = _app.CreateApiClient();

        foreach (var host in new[] { Attacker, Attacker + ":80", "192.168.1.1.attacker.example", "localhost.attacker.example" })
        {
            using var response = await SendAsync(client, HttpMethod.Post, "/api/v1/setup", GatewayApplication.ValidSetup, host: host);
            await AssertProblemAsync(response, HttpStatusCode.MisdirectedRequest, "host-not-allowed");
        }

        // Reads too: a rebound page learns nothing (not even whether setup is done).
        using (var read = await SendAsync(client, HttpMethod.Get, "/api/v1/setup", host: Attacker))
        {
            Assert.Equal(HttpStatusCode.MisdirectedRequest, read.StatusCode);
        }

        foreach (var origin in new[] { "http://" + Attacker, "https://" + Attacker + ":8443", "null" })
        {
            using var response = await SendAsync(client, HttpMethod.Post, "/api/v1/setup", GatewayApplication.ValidSetup, origin: origin);
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, "origin-not-allowed");
        }

        Assert.Equal(0, await _app.CountRowsAsync("AdminUsers"));

        // The router's own console, with a matching Origin, still sets it up.
        using var setup = await SendAsync(client, HttpMethod.Post, "/api/v1/setup", GatewayApplication.ValidSetup, host: "localhost", origin: "http://localhost");
        Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
    }

    [Fact]
    public async Task Minting_a_token_from_a_rebound_host_or_a_foreign_origin_is_refused_on_every_credential()
    {
        await _app.CompleteSetupAsync();
        var token = await _app.CreateTokenAsync("existing");
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(cookie);
        var credentials = new (string Name, Action<HttpRequestMessage> Apply)[]
        {
            ("basic", r => r.Headers.Authorization = GatewayApplication.BasicHeader("admin", GatewayApplication.Password)),
            ("bearer", r => r.Headers.Authorization = new("Bearer", token)),
            ("cookie", r => r.Headers.Add("Cookie", cookie)),
        };
        using var client = _app.CreateApiClient();

        foreach (var (name, apply) in credentials)
        {
            using (var rebound = await SendAsync(client, HttpMethod.Post, "/api/v1/tokens", new { name }, host: Attacker, authenticate: apply))
            {
                await AssertProblemAsync(rebound, HttpStatusCode.MisdirectedRequest, "host-not-allowed");
            }

            using (var foreign = await SendAsync(client, HttpMethod.Post, "/api/v1/tokens", new { name }, origin: "http://" + Attacker, authenticate: apply))
            {
                await AssertProblemAsync(foreign, HttpStatusCode.Forbidden, "origin-not-allowed");
            }
        }

        Assert.Equal(1, await _app.CountRowsAsync("ApiTokens"));

        // The same credentials from the router's own origin still work (the cookie route also needs its antiforgery
        // header, so Basic and the bearer token stand for it here; the panel tests cover the browser).
        using var own = await SendAsync(client, HttpMethod.Post, "/api/v1/tokens", new { name = "own" }, host: "localhost", origin: "http://localhost",
            authenticate: credentials[0].Apply);
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
    }

    [Fact]
    public async Task The_routers_addresses_localhost_and_configured_names_are_answered()
    {
        await using var agent = new FakeAgent(_app.SocketPath)
        {
            Interfaces =
            [
                new LinkInfo("br-lan", "02:00:00:00:00:01", ["192.168.1.1/24", "2001:db8:1::1/64"], true),
                new LinkInfo("wan0", "02:00:00:00:00:02", ["203.0.113.2/24"], true, DefaultRoute: true),
            ],
        };
        using var client = _app.CreateApiClient();

        // The link addresses come from the agent: wait until the web has them.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            using var lan = await SendAsync(client, HttpMethod.Get, "/api/v1/setup", host: "192.168.1.1");
            if (lan.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the LAN address was never answered");
            await Task.Delay(50);
        }

        foreach (var host in new[]
        {
            "localhost", "LOCALHOST:5080", "127.0.0.1", "127.0.0.1:5080", "[::1]", "[::1]:5080", "192.168.1.1:80",
            "[2001:db8:1::1]", "203.0.113.2", "router.example.net", "Router.Example.Net.:8080",
            "router", "router.lan", "Router.LAN.:80",
        })
        {
            using var response = await SendAsync(client, HttpMethod.Get, "/api/v1/setup", host: host);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{host}: {(int)response.StatusCode}");
        }

        foreach (var host in new[] { "192.168.1.2", "[2001:db8:1::2]", "10.0.0.1", "example.net", "router.home", "router.lan.example.net", "nas.lan" })
        {
            using var response = await SendAsync(client, HttpMethod.Get, "/api/v1/setup", host: host);
            Assert.True(response.StatusCode == HttpStatusCode.MisdirectedRequest, $"{host}: {(int)response.StatusCode}");
        }

        using var setup = await SendAsync(client, HttpMethod.Post, "/api/v1/setup", GatewayApplication.ValidSetup,
            host: "192.168.1.1", origin: "http://router.example.net");
        Assert.Equal(HttpStatusCode.Created, setup.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, object? body = null,
        string? host = null, string? origin = null, Action<HttpRequestMessage>? authenticate = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        authenticate?.Invoke(request);
        return await client.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(type, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    /// <summary>The web with one owner-configured name.</summary>
    private sealed class HostNamesApplication : GatewayApplication
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Web:AllowedHostNames:0", "router.example.net");
        }
    }
}

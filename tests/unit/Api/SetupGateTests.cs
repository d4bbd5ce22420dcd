using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

public sealed class SetupGateTests : IAsyncLifetime
{
    private readonly GatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_database_is_created_migrated_and_in_wal_mode_in_the_configured_file()
    {
        using var client = _app.CreateApiClient();
        await client.GetAsync("/api/v1/setup");
        Assert.True(File.Exists(_app.DatabasePath));
        Assert.Equal(0, await _app.DesiredRevisionInDatabaseAsync());
        Assert.Equal("wal", await _app.JournalModeAsync());
    }

    [Theory]
    [InlineData("GET", "/api/v1/status")]
    [InlineData("GET", "/api/v1/network")]
    [InlineData("PUT", "/api/v1/network")]
    [InlineData("GET", "/api/v1/port-forwards")]
    [InlineData("POST", "/api/v1/port-forwards")]
    [InlineData("GET", "/api/v1/port-forwards/1")]
    [InlineData("DELETE", "/api/v1/port-forwards/1")]
    [InlineData("GET", "/api/v1/mac-filters")]
    [InlineData("GET", "/api/v1/mac-filters/policy")]
    [InlineData("GET", "/api/v1/rules")]
    [InlineData("POST", "/api/v1/rules")]
    [InlineData("PUT", "/api/v1/rules/order")]
    [InlineData("DELETE", "/api/v1/rules/1")]
    [InlineData("GET", "/api/v1/protection")]
    [InlineData("PUT", "/api/v1/protection")]
    [InlineData("GET", "/api/v1/logging")]
    [InlineData("GET", "/api/v1/logs")]
    [InlineData("GET", "/api/v1/conntrack")]
    [InlineData("GET", "/api/v1/conntrack/stream")]
    [InlineData("GET", "/api/v1/ruleset")]
    [InlineData("GET", "/api/v1/config")]
    [InlineData("PUT", "/api/v1/config")]
    [InlineData("GET", "/api/v1/tokens")]
    [InlineData("POST", "/api/v1/tokens")]
    public async Task Before_setup_every_other_route_answers_409_setup_required(string method, string path)
    {
        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { name = "x" });
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("setup-required", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Before_setup_interfaces_need_no_credentials_and_say_the_agent_is_unavailable()
    {
        using var client = _app.CreateApiClient();
        var response = await client.GetAsync("/api/v1/interfaces");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("agent-unavailable", problem.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Setup_works_once_then_answers_409_and_opens_the_api()
    {
        using var client = _app.CreateApiClient();
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/setup")).GetProperty("completed").GetBoolean());

        var first = await client.PostAsJsonAsync("/api/v1/setup", GatewayApplication.ValidSetup);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/api/v1/setup")).GetProperty("completed").GetBoolean());
        Assert.Equal(1, await _app.DesiredRevisionInDatabaseAsync());

        var second = await client.PostAsJsonAsync("/api/v1/setup", new
        {
            adminPassword = "another long password",
            wanInterface = "eth0",
            lanInterface = "eth1",
            lanAddress = "10.0.0.1/8",
        });
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);

        // The first password still works and the second never took effect.
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", "another long password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/tokens", new { name = "x" })).StatusCode);
        var token = await _app.CreateTokenAsync();
        using var authed = _app.CreateClientWithToken(token);
        var network = await authed.GetFromJsonAsync<JsonElement>("/api/v1/network");
        Assert.Equal("ppp*", network.GetProperty("wanInterface").GetString());
        Assert.Equal("192.168.1.1/24", network.GetProperty("lanAddress").GetString());

        // After setup, interfaces need credentials.
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/interfaces")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await authed.GetAsync("/api/v1/interfaces")).StatusCode);
    }

    [Theory]
    [InlineData("short", "eth0", "eth1", "192.168.1.1/24", "adminPassword")]
    [InlineData("", "eth0", "eth1", "192.168.1.1/24", "adminPassword")]
    [InlineData("long enough password", "eth0;drop", "eth1", "192.168.1.1/24", "wanInterface")]
    [InlineData("long enough password", "eth0", "eth 1", "192.168.1.1/24", "lanInterface")]
    [InlineData("long enough password", "eth0", "eth0", "192.168.1.1/24", "lanInterface")]
    [InlineData("long enough password", "eth0", "lan*", "192.168.1.1/24", "lanInterface")]
    [InlineData("long enough password", "eth0", "eth1", "192.168.1.0/24", "lanAddress")]
    [InlineData("long enough password", "eth0", "eth1", "192.168.1.1", "lanAddress")]
    [InlineData("long enough password", "eth0", "eth1", "300.1.1.1/24", "lanAddress")]
    public async Task Invalid_setup_is_400_naming_the_field_and_leaves_setup_open(string password, string wan, string lan, string address, string field)
    {
        using var client = _app.CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/v1/setup", new { adminPassword = password, wanInterface = wan, lanInterface = lan, lanAddress = address });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/setup")).GetProperty("completed").GetBoolean());
        Assert.Equal(0, await _app.CountRowsAsync("AdminUsers"));
    }
}

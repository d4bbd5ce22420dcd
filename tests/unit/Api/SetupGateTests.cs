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
}

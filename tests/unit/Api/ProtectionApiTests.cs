using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/protection: defaults, round trip, a missing field takes its (closed) default, bad bodies.</summary>
public sealed class ProtectionApiTests : IAsyncLifetime
{
    private const string Path = "/api/v1/protection";
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_fresh_router_has_the_closed_defaults()
    {
        using var client = _app.CreateAuthorizedClient();
        AssertDefaults(await client.GetFromJsonAsync<JsonElement>(Path));
    }

    [Fact]
    public async Task A_full_body_round_trips_and_bumps_the_revision()
    {
        using var client = _app.CreateAuthorizedClient();
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var body = new
        {
            wanInput = "reject",
            wanPing = true,
            synFlood = new { enabled = false, ratePerSecond = 100, burst = 200, perSource = false },
            icmpLimit = new { ratePerSecond = 3, burst = 4 },
            dropInvalid = false,
            antiSpoofing = false,
        };

        var response = await client.PutAsJsonAsync(Path, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await client.GetFromJsonAsync<JsonElement>(Path);
        Assert.Equal("reject", stored.GetProperty("wanInput").GetString());
        Assert.True(stored.GetProperty("wanPing").GetBoolean());
        Assert.False(stored.GetProperty("synFlood").GetProperty("enabled").GetBoolean());
        Assert.Equal(200, stored.GetProperty("synFlood").GetProperty("burst").GetInt32());
        Assert.False(stored.GetProperty("synFlood").GetProperty("perSource").GetBoolean());
        Assert.Equal(3, stored.GetProperty("icmpLimit").GetProperty("ratePerSecond").GetInt32());
        Assert.False(stored.GetProperty("dropInvalid").GetBoolean());
        Assert.False(stored.GetProperty("antiSpoofing").GetBoolean());
        Assert.Equal(revision + 1, await _app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Missing_fields_take_the_defaults_not_the_stored_values()
    {
        using var client = _app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync(Path, new
        {
            wanInput = "reject",
            wanPing = true,
            synFlood = new { enabled = false, ratePerSecond = 100, burst = 200, perSource = false },
            icmpLimit = new { ratePerSecond = 3, burst = 4 },
            dropInvalid = false,
            antiSpoofing = false,
        })).StatusCode);

        // Only the ping switch and one SYN field: everything else returns to the closed defaults.
        var response = await client.PutAsync(Path, RuleApiTests.Json("{\"wanPing\":true,\"synFlood\":{\"ratePerSecond\":40}}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await client.GetFromJsonAsync<JsonElement>(Path);
        Assert.True(stored.GetProperty("wanPing").GetBoolean());
        Assert.Equal(40, stored.GetProperty("synFlood").GetProperty("ratePerSecond").GetInt32());
        Assert.True(stored.GetProperty("synFlood").GetProperty("enabled").GetBoolean());
        Assert.Equal(50, stored.GetProperty("synFlood").GetProperty("burst").GetInt32());
        Assert.Equal("drop", stored.GetProperty("wanInput").GetString());
        Assert.True(stored.GetProperty("dropInvalid").GetBoolean());
        Assert.True(stored.GetProperty("antiSpoofing").GetBoolean());
        Assert.Equal(10, stored.GetProperty("icmpLimit").GetProperty("ratePerSecond").GetInt32());

        // An empty object is the defaults.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(Path, RuleApiTests.Json("{}"))).StatusCode);
        AssertDefaults(await client.GetFromJsonAsync<JsonElement>(Path));
    }

    [Theory]
    [InlineData("{\"wanInput\":\"accept\"}", "wanInput")]
    [InlineData("{\"wanInput\":0}", "wanInput")]
    [InlineData("{\"wanPing\":\"yes\"}", "wanPing")]
    [InlineData("{\"dropInvalid\":1}", "dropInvalid")]
    [InlineData("{\"synFlood\":{\"ratePerSecond\":0}}", "synFlood.ratePerSecond")]
    [InlineData("{\"synFlood\":{\"burst\":0}}", "synFlood.burst")]
    [InlineData("{\"synFlood\":{\"ratePerSecond\":\"25\"}}", "synFlood.ratePerSecond")]
    [InlineData("{\"synFlood\":{\"ratePerSecond\":100001}}", "synFlood.ratePerSecond")]
    [InlineData("{\"icmpLimit\":{\"burst\":-1}}", "icmpLimit.burst")]
    [InlineData("{\"icmpLimit\":{\"burst\":10001}}", "icmpLimit.burst")]
    [InlineData("{\"icmpLimit\":[1,2]}", "icmpLimit")]
    [InlineData("[]", "body")]
    [InlineData("null", "body")]
    public async Task A_bad_body_is_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        using var client = _app.CreateAuthorizedClient();
        var before = await client.GetStringAsync(Path);
        var revision = await _app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsync(Path, RuleApiTests.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.Equal(before, await client.GetStringAsync(Path));
        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
    }

    internal static void AssertDefaults(JsonElement protection)
    {
        Assert.Equal("drop", protection.GetProperty("wanInput").GetString());
        Assert.False(protection.GetProperty("wanPing").GetBoolean());
        var syn = protection.GetProperty("synFlood");
        Assert.True(syn.GetProperty("enabled").GetBoolean());
        Assert.Equal(25, syn.GetProperty("ratePerSecond").GetInt32());
        Assert.Equal(50, syn.GetProperty("burst").GetInt32());
        Assert.True(syn.GetProperty("perSource").GetBoolean());
        Assert.Equal(10, protection.GetProperty("icmpLimit").GetProperty("ratePerSecond").GetInt32());
        Assert.Equal(20, protection.GetProperty("icmpLimit").GetProperty("burst").GetInt32());
        Assert.True(protection.GetProperty("dropInvalid").GetBoolean());
        Assert.True(protection.GetProperty("antiSpoofing").GetBoolean());
    }
}

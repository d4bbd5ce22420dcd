using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

public sealed class MacFilterApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Create_normalises_the_mac_then_update_and_delete_work_and_bump_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var created = await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = "AA-BB-CC-00-11-22", name = "kid's tablet" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var filter = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = filter.GetProperty("id").GetInt32();
        Assert.Equal("aa:bb:cc:00:11:22", filter.GetProperty("mac").GetString());
        Assert.True(filter.GetProperty("enabled").GetBoolean());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var updated = await client.PutAsJsonAsync($"/api/v1/mac-filters/{id}", new { mac = "aa:bb:cc:00:11:23", name = "tablet", enabled = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/v1/mac-filters/{id}");
        Assert.Equal("aa:bb:cc:00:11:23", fetched.GetProperty("mac").GetString());
        Assert.False(fetched.GetProperty("enabled").GetBoolean());
        Assert.Equal(revision + 2, await app.DesiredRevisionInDatabaseAsync());

        Assert.Contains((await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters")).EnumerateArray(), m => m.GetProperty("id").GetInt32() == id);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mac-filters/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/mac-filters/{id}")).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());
    }

    [Theory]
    [InlineData("02:00:00:00:00:01", "02:00:00:00:00:01")]
    [InlineData("02:00:00:00:00:02", "02-00-00-00-00-02")]
    [InlineData("02:00:00:00:00:0a", "02:00:00:00:00:0A")]
    public async Task A_duplicate_mac_in_any_spelling_is_409_and_nothing_is_stored(string first, string second)
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = first, name = "one" })).StatusCode);
        var count = await app.CountRowsAsync("MacFilters");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var duplicate = await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = second, name = "two" });

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal(count, await app.CountRowsAsync("MacFilters"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Changing_a_filter_to_another_filters_mac_is_409()
    {
        using var client = app.CreateAuthorizedClient();
        await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = "06:00:00:00:00:01", name = "a" });
        var b = await (await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = "06:00:00:00:00:02", name = "b" })).Content.ReadFromJsonAsync<JsonElement>();
        var response = await client.PutAsJsonAsync($"/api/v1/mac-filters/{b.GetProperty("id").GetInt32()}", new { mac = "06-00-00-00-00-01", name = "b" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("deny-listed")]
    [InlineData("allow-listed")]
    public async Task The_policy_mode_round_trips(string mode)
    {
        using var client = app.CreateAuthorizedClient();
        // Allow-listing needs one enabled device listed (the lock-out guard); harmless for the other modes.
        await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = "0a:00:00:00:00:01", name = "admin laptop" });
        var revision = await app.DesiredRevisionInDatabaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode })).StatusCode);
        Assert.Equal(mode, (await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters/policy")).GetProperty("mode").GetString());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "off" })).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// No lock-outs: the stored state may never be allow-listed with no enabled MAC, whichever write would
/// get it there. Each refusal is 409 and leaves the rows and the revision as they were.
/// </summary>
public sealed class AllowListLockoutTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Every_write_that_would_allow_list_nothing_is_409_and_changes_nothing()
    {
        using var client = app.CreateAuthorizedClient();

        // Nothing listed: allow-listing is refused.
        await AssertRefusedAsync(() => client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "allow-listed" }));
        Assert.Equal("off", await ModeAsync(client));

        // Only a disabled entry: still refused.
        var disabled = await CreateAsync(client, "0e:00:00:00:00:01", enabled: false);
        await AssertRefusedAsync(() => client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "allow-listed" }));

        // One enabled entry: allowed.
        var enabled = await CreateAsync(client, "0e:00:00:00:00:02", enabled: true);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "allow-listed" })).StatusCode);

        // Disabling or deleting that last enabled entry is refused; the disabled one can go.
        await AssertRefusedAsync(() => client.PutAsJsonAsync($"/api/v1/mac-filters/{enabled}", new { mac = "0e:00:00:00:00:02", name = "laptop", enabled = false }));
        await AssertRefusedAsync(() => client.DeleteAsync($"/api/v1/mac-filters/{enabled}"));
        Assert.True((await client.GetFromJsonAsync<JsonElement>($"/api/v1/mac-filters/{enabled}")).GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mac-filters/{disabled}")).StatusCode);

        // A restore that allow-lists nothing is refused as a whole.
        var backup = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        var broken = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(backup.GetRawText())!;
        broken["macFilters"] = JsonSerializer.SerializeToElement(Array.Empty<object>());
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var restore = await client.PutAsJsonAsync("/api/v1/config", broken);
        Assert.Equal(HttpStatusCode.BadRequest, restore.StatusCode);
        Assert.True((await restore.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("macPolicy.mode", out _));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal("allow-listed", await ModeAsync(client));
    }

    private async Task AssertRefusedAsync(Func<Task<HttpResponseMessage>> write)
    {
        var rows = await app.CountRowsAsync("MacFilters");
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var response = await write();
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("cut off", body, StringComparison.Ordinal);
        Assert.Equal(rows, await app.CountRowsAsync("MacFilters"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    private static async Task<int> CreateAsync(HttpClient client, string mac, bool enabled)
    {
        var response = await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac, name = "device", enabled });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task<string?> ModeAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters/policy")).GetProperty("mode").GetString();
}

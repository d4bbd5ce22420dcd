using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/mirrors: CRUD with defaults, 400s naming the field with nothing stored, the loop 409, backup and restore.</summary>
public sealed class MirrorApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Mirror_crud_defaults_to_enabled_both_ways_and_every_packet()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var created = await client.PostAsJsonAsync("/api/v1/mirrors", new { name = "lan copy", @interface = "br-lan", toInterface = "mon0" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var mirror = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = mirror.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/mirrors/{id}", created.Headers.Location?.OriginalString);
        Assert.True(mirror.GetProperty("enabled").GetBoolean());
        Assert.Equal("both", mirror.GetProperty("direction").GetString());
        Assert.Equal(JsonValueKind.Null, mirror.GetProperty("source").ValueKind);
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var updated = await client.PutAsJsonAsync($"/api/v1/mirrors/{id}", new { name = "lan in", enabled = false, @interface = "br-lan", direction = "in", source = "192.168.1.0/24", toInterface = "mon0" });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/mirrors/{id}");
        Assert.Equal("in", after.GetProperty("direction").GetString());
        Assert.Equal("192.168.1.0/24", after.GetProperty("source").GetString());
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>("/api/v1/mirrors")).EnumerateArray(), m => m.GetProperty("id").GetInt32() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mirrors/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/mirrors/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("""{"interface":"br-lan","toInterface":"mon0"}""", "name")]
    [InlineData("""{"name":"m","toInterface":"mon0"}""", "interface")]
    [InlineData("""{"name":"m","interface":"br-lan"}""", "toInterface")]
    [InlineData("""{"name":"m","interface":"br-lan","toInterface":"br-lan"}""", "toInterface")]
    [InlineData("""{"name":"m","interface":"eth*","toInterface":"mon0"}""", "interface")]
    [InlineData("""{"name":"m","interface":"br-lan","toInterface":"mon0","direction":"sideways"}""", "direction")]
    [InlineData("""{"name":"m","interface":"br-lan","toInterface":"mon0","source":"10.0.0.0/40"}""", "source")]
    [InlineData("""{"name":"m","interface":"br-lan","toInterface":"mon0","destination":"nowhere"}""", "destination")]
    [InlineData("""{"name":"m","interface":"br-lan","toInterface":"mon0","source":"10.0.0.0/8","destination":"2001:db8::/32"}""", "destination")]
    public async Task A_bad_mirror_is_a_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/mirrors");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var errors = await ConfigRestoreFieldsTests.ErrorsAsync(await client.PostAsync("/api/v1/mirrors", RuleApiTests.Json(body)));

        Assert.Contains(field, errors.Keys);
        Assert.Equal(before, await client.GetStringAsync("/api/v1/mirrors"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Two_mirrors_copying_into_each_others_links_are_a_409_on_toInterface()
    {
        using var client = app.CreateAuthorizedClient();
        var first = await client.PostAsJsonAsync("/api/v1/mirrors", new { name = "wan to mon", @interface = "wan9", toInterface = "mon9" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        var back = await client.PostAsJsonAsync("/api/v1/mirrors", new { name = "mon to wan", @interface = "mon9", toInterface = "wan9" });

        Assert.Equal(HttpStatusCode.Conflict, back.StatusCode);
        Assert.Contains("toInterface", await back.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mirrors/{id}")).StatusCode);
    }

    [Fact]
    public async Task A_backup_carries_the_mirrors_and_a_restore_brings_them_back()
    {
        using var client = app.CreateAuthorizedClient();
        var created = await client.PostAsJsonAsync("/api/v1/mirrors", new { name = "kept", @interface = "br-lan", direction = "out", destination = "2001:db8::/64", toInterface = "mon1" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var backup = await client.GetStringAsync("/api/v1/config");
        Assert.Contains("\"kept\"", backup, StringComparison.Ordinal);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mirrors/{id}")).StatusCode);

        var restored = await client.PutAsync("/api/v1/config", RuleApiTests.Json(backup));

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var mirror = Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/mirrors")).EnumerateArray(), m => m.GetProperty("name").GetString() == "kept");
        Assert.Equal("out", mirror.GetProperty("direction").GetString());
        Assert.Equal("2001:db8::/64", mirror.GetProperty("destination").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mirrors/{mirror.GetProperty("id").GetInt32()}")).StatusCode);
    }

    [Fact]
    public async Task A_restore_with_a_bad_mirror_names_it_and_stores_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        var backup = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/api/v1/config"))!.AsObject();
        backup["mirrors"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = "loop", ["interface"] = "br-lan", ["toInterface"] = "br-lan" });
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var errors = await ConfigRestoreFieldsTests.ErrorsAsync(await client.PutAsync("/api/v1/config", RuleApiTests.Json(backup.ToJsonString())));

        Assert.Contains("mirrors[0].toInterface", errors.Keys);
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/one-to-one, /redirects, /policy-routes, /helpers and a forward's helper: CRUD, defaults and 409s.</summary>
public sealed class NatApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private static int _nextAliasPort = 41000;

    [Fact]
    public async Task One_to_one_create_get_update_delete_with_defaults_and_each_write_bumps_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var created = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "nas \"public\"; flush ruleset", externalAddress = "203.0.113.10", internalAddress = "192.168.1.10" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var entry = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = entry.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/one-to-one/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("nas \"public\"; flush ruleset", entry.GetProperty("name").GetString());
        Assert.True(entry.GetProperty("enabled").GetBoolean());
        Assert.True(entry.GetProperty("addAddress").GetBoolean());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var updated = await client.PutAsJsonAsync($"/api/v1/one-to-one/{id}", new { name = "nas", enabled = false, externalAddress = "203.0.113.11", internalAddress = "192.168.1.11", addAddress = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/one-to-one/{id}");
        Assert.Equal("203.0.113.11", after.GetProperty("externalAddress").GetString());
        Assert.False(after.GetProperty("addAddress").GetBoolean());
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>("/api/v1/one-to-one")).EnumerateArray(), e => e.GetProperty("id").GetInt32() == id);
        Assert.Equal(revision + 2, await app.DesiredRevisionInDatabaseAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/one-to-one/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/one-to-one/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/one-to-one/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/v1/one-to-one/{id}", new { name = "x", externalAddress = "203.0.113.12", internalAddress = "192.168.1.12" })).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());

        // Ids are never reused: the next entry's id is higher.
        var next = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "next", externalAddress = "203.0.113.13", internalAddress = "192.168.1.13" });
        Assert.True((await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32() > id);
    }

    [Fact]
    public async Task One_to_one_addresses_are_unique_among_enabled_entries_with_409_naming_the_field()
    {
        using var client = app.CreateAuthorizedClient();
        var first = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "a", externalAddress = "198.51.100.20", internalAddress = "192.168.1.20" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var revision = await app.DesiredRevisionInDatabaseAsync();

        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "b", externalAddress = "198.51.100.20", internalAddress = "192.168.1.21" }), "externalAddress");
        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "c", externalAddress = "198.51.100.21", internalAddress = "192.168.1.20" }), "internalAddress");
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());

        // A disabled duplicate may be kept, but not enabled while the other one is.
        var parked = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "parked", enabled = false, externalAddress = "198.51.100.20", internalAddress = "192.168.1.22" });
        Assert.Equal(HttpStatusCode.Created, parked.StatusCode);
        var parkedId = (await parked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await AssertConflictAsync(await client.PutAsJsonAsync($"/api/v1/one-to-one/{parkedId}", new { name = "parked", externalAddress = "198.51.100.20", internalAddress = "192.168.1.22" }), "externalAddress");

        // An entry does not clash with itself on update.
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/one-to-one/{firstId}", new { name = "a renamed", externalAddress = "198.51.100.20", internalAddress = "192.168.1.20" })).StatusCode);
    }

    [Fact]
    public async Task Redirect_crud_defaults_to_the_lan_and_any_destination()
    {
        using var client = app.CreateAuthorizedClient();
        var created = await client.PostAsJsonAsync("/api/v1/redirects", new { name = "dns", protocol = "both", port = 53, toPort = 5353 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var redirect = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = redirect.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/redirects/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(JsonValueKind.Null, redirect.GetProperty("inInterface").ValueKind);
        Assert.Equal(JsonValueKind.Null, redirect.GetProperty("destination").ValueKind);
        Assert.Equal(JsonValueKind.Null, redirect.GetProperty("portEnd").ValueKind);
        Assert.True(redirect.GetProperty("enabled").GetBoolean());
        Assert.Equal("both", redirect.GetProperty("protocol").GetString());

        var updated = await client.PutAsJsonAsync($"/api/v1/redirects/{id}", new { name = "web", inInterface = "wlan0", protocol = "tcp", port = 8080, portEnd = 8089, toPort = 3128, destination = "203.0.113.0/24", enabled = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/redirects/{id}");
        Assert.Equal("wlan0", after.GetProperty("inInterface").GetString());
        Assert.Equal(8089, after.GetProperty("portEnd").GetInt32());
        Assert.Equal("203.0.113.0/24", after.GetProperty("destination").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/redirects/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/redirects/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/v1/redirects/{id}", new { name = "x", protocol = "tcp", port = 1, toPort = 2 })).StatusCode);
    }

    [Fact]
    public async Task Policy_route_crud_masquerades_by_default_and_a_source_takes_one_enabled_route()
    {
        using var client = app.CreateAuthorizedClient();
        var created = await client.PostAsJsonAsync("/api/v1/policy-routes", new { name = "kids via wan2", source = "192.168.1.128/25", outInterface = "wan2", gateway = "198.51.100.1" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var route = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = route.GetProperty("id").GetInt32();
        Assert.True(route.GetProperty("masquerade").GetBoolean());
        Assert.True(route.GetProperty("enabled").GetBoolean());

        var host = await client.PostAsJsonAsync("/api/v1/policy-routes", new { name = "one host", source = "192.168.1.30", outInterface = "wan2" });
        Assert.Equal(HttpStatusCode.Created, host.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await host.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("gateway").ValueKind);

        var revision = await app.DesiredRevisionInDatabaseAsync();
        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/policy-routes", new { name = "again", source = "192.168.1.128/25", outInterface = "ppp0" }), "source");
        // The same host spelled as a /32 is the same source.
        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/policy-routes", new { name = "again host", source = "192.168.1.30/32", outInterface = "ppp0" }), "source");
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/policy-routes", new { name = "parked", enabled = false, source = "192.168.1.128/25", outInterface = "ppp0" })).StatusCode);

        var updated = await client.PutAsJsonAsync($"/api/v1/policy-routes/{id}", new { name = "kids", source = "192.168.1.128/25", outInterface = "wan2", masquerade = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/v1/policy-routes/{id}")).GetProperty("masquerade").GetBoolean());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/policy-routes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/policy-routes/{id}")).StatusCode);
    }

    [Fact]
    public async Task Outbound_helpers_start_empty_are_set_as_a_whole_and_cleared_with_an_empty_list()
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/helpers")).GetProperty("outbound").EnumerateArray());
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var set = await client.PutAsJsonAsync("/api/v1/helpers", new { outbound = new[] { "tftp", "ftp", "h323" } });
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var outbound = (await client.GetFromJsonAsync<JsonElement>("/api/v1/helpers")).GetProperty("outbound").EnumerateArray().Select(h => h.GetString()).ToList();
        Assert.Equal(["tftp", "ftp", "h323"], outbound);
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/helpers", new { outbound = Array.Empty<string>() })).StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/helpers")).GetProperty("outbound").EnumerateArray());
    }

    [Theory]
    [InlineData("{\"ftpHelper\":true}", "ftp", true)]
    [InlineData("{\"helper\":\"ftp\"}", "ftp", true)]
    [InlineData("{\"helper\":\"ftp\",\"ftpHelper\":true}", "ftp", true)]
    [InlineData("{\"helper\":\"irc\"}", "irc", false)]
    [InlineData("{\"helper\":\"irc\",\"ftpHelper\":false}", "irc", false)]
    [InlineData("{\"ftpHelper\":false}", null, false)]
    [InlineData("{}", null, false)]
    public async Task A_forward_helper_and_its_ftpHelper_alias_read_back_consistently(string extra, string? helper, bool ftpHelper)
    {
        using var client = app.CreateAuthorizedClient();
        var port = Interlocked.Increment(ref _nextAliasPort);
        var body = extra.TrimEnd('}') + (extra.Length > 2 ? "," : "") + $"\"name\":\"alias\",\"protocol\":\"tcp\",\"externalPort\":{port},\"internalAddress\":\"192.168.1.40\"}}";

        var created = await client.PostAsync("/api/v1/port-forwards", RuleApiTests.Json(body));

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var forward = await client.GetFromJsonAsync<JsonElement>($"/api/v1/port-forwards/{id}");
        Assert.Equal(helper, forward.GetProperty("helper").GetString());
        Assert.Equal(ftpHelper, forward.GetProperty("ftpHelper").GetBoolean());
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        var backedUp = config.GetProperty("portForwards").EnumerateArray().Single(f => f.GetProperty("id").GetInt32() == id);
        Assert.Equal(helper, backedUp.GetProperty("helper").GetString());
        Assert.Equal(ftpHelper, backedUp.GetProperty("ftpHelper").GetBoolean());

        // PUTting back what was read keeps it; turning the alias off removes FTP.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"/api/v1/port-forwards/{id}", RuleApiTests.Json(forward.GetRawText()))).StatusCode);
        Assert.Equal(forward.GetRawText(), (await client.GetFromJsonAsync<JsonElement>($"/api/v1/port-forwards/{id}")).GetRawText());
        await client.DeleteAsync($"/api/v1/port-forwards/{id}");
    }

    [Theory]
    [InlineData("ftp", "{\"ftpHelper\":false}", null)]
    [InlineData(null, "{\"ftpHelper\":true}", "ftp")]
    [InlineData("ftp", "{\"helper\":\"tftp\",\"protocol\":\"udp\"}", "tftp")]
    [InlineData("ftp", "{\"helper\":null,\"ftpHelper\":false}", null)]
    public async Task An_edit_of_either_alias_in_a_read_back_body_wins_over_the_unchanged_other(string? start, string change, string? expected)
    {
        using var client = app.CreateAuthorizedClient();
        var port = Interlocked.Increment(ref _nextAliasPort);
        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", new { name = "alias edit", protocol = "tcp", externalPort = port, internalAddress = "192.168.1.41", helper = start });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var read = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync($"/api/v1/port-forwards/{id}"))!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(change)!.AsObject())
        {
            read[key] = value?.DeepClone();
        }

        var put = await client.PutAsync($"/api/v1/port-forwards/{id}", RuleApiTests.Json(read.ToJsonString()));

        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var forward = await client.GetFromJsonAsync<JsonElement>($"/api/v1/port-forwards/{id}");
        Assert.Equal(expected, forward.GetProperty("helper").GetString());
        Assert.Equal(expected == "ftp", forward.GetProperty("ftpHelper").GetBoolean());
        await client.DeleteAsync($"/api/v1/port-forwards/{id}");
    }

    [Fact]
    public async Task Both_aliases_changed_against_each_other_is_a_400_on_ftpHelper()
    {
        using var client = app.CreateAuthorizedClient();
        var port = Interlocked.Increment(ref _nextAliasPort);
        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", new { name = "alias clash", protocol = "tcp", externalPort = port, internalAddress = "192.168.1.42" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var put = await client.PutAsJsonAsync($"/api/v1/port-forwards/{id}", new { name = "alias clash", protocol = "tcp", externalPort = port, internalAddress = "192.168.1.42", ftpHelper = true, helper = "irc" });

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Contains("ftpHelper", await put.Content.ReadAsStringAsync());
        await client.DeleteAsync($"/api/v1/port-forwards/{id}");
    }

    [Fact]
    public async Task Every_missing_required_field_of_each_new_resource_is_reported_at_once()
    {
        using var client = app.CreateAuthorizedClient();
        await AssertFieldsAsync(await client.PostAsync("/api/v1/one-to-one", RuleApiTests.Json("{\"enabled\":true}")), "name", "externalAddress", "internalAddress");
        await AssertFieldsAsync(await client.PostAsync("/api/v1/redirects", RuleApiTests.Json("{\"portEnd\":9}")), "name", "protocol", "port", "toPort");
        await AssertFieldsAsync(await client.PostAsync("/api/v1/policy-routes", RuleApiTests.Json("{\"masquerade\":false}")), "name", "source", "outInterface");
        await AssertFieldsAsync(await client.PutAsync("/api/v1/helpers", RuleApiTests.Json("{}")), "outbound");
    }

    [Fact]
    public async Task A_lan_change_that_would_strand_a_one_to_one_entry_or_a_policy_route_is_409_and_changes_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "stranded nat", externalAddress = "203.0.113.90", internalAddress = "192.168.1.90" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/policy-routes", new { name = "stranded route", source = "192.168.1.91", outInterface = "eth9" })).StatusCode);
        var network = await client.GetStringAsync("/api/v1/network");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var moved = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "10.9.0.1/24", masquerade = true });
        var movedText = await moved.Content.ReadAsStringAsync();
        Assert.True(moved.StatusCode == HttpStatusCode.Conflict, movedText);
        Assert.Contains("stranded nat", movedText);
        Assert.Contains("stranded route", movedText);

        // The route's out link becoming the LAN is refused too.
        var relinked = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "eth9", lanAddress = "192.168.1.1/24", masquerade = true });
        var relinkedText = await relinked.Content.ReadAsStringAsync();
        Assert.True(relinked.StatusCode == HttpStatusCode.Conflict, relinkedText);
        Assert.Contains("stranded route", relinkedText);
        Assert.DoesNotContain("stranded nat", relinkedText);

        Assert.Equal(network, await client.GetStringAsync("/api/v1/network"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    internal static async Task AssertConflictAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"expected 409 naming {field}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
    }

    private static async Task AssertFieldsAsync(HttpResponseMessage response, params string[] fields)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// A restore never weakens protection by omission: a required field left out of any nested object of /config is a 400
/// naming it, with nothing changed; fields the resources default (a forward's <c>enabled</c>, logging's newer <c>dos</c>)
/// take the same default as the resource itself, so a first-round backup still restores.
/// </summary>
public sealed class ConfigRestoreFieldsTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Theory]
    [InlineData("macPolicy", "mode", "macPolicy.mode")]
    [InlineData("network", "wanInterface", "network.wanInterface")]
    [InlineData("network", "lanInterface", "network.lanInterface")]
    [InlineData("network", "lanAddress", "network.lanAddress")]
    [InlineData("logging", "droppedInput", "logging.droppedInput")]
    [InlineData("logging", "droppedForward", "logging.droppedForward")]
    [InlineData("logging", "portForwards", "logging.portForwards")]
    [InlineData("logging", "macFilter", "logging.macFilter")]
    [InlineData("logging", "ratePerMinute", "logging.ratePerMinute")]
    [InlineData("logging", "burst", "logging.burst")]
    public async Task A_missing_required_field_of_a_nested_object_is_400_naming_it_and_nothing_changes(string member, string field, string path)
    {
        using var client = app.CreateAuthorizedClient();
        await EnsureAllowListedWithOneDeviceAsync(client);
        var before = await client.GetStringAsync("/api/v1/config");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var restore = JsonNode.Parse(before)!.AsObject();
        restore[member]!.AsObject().Remove(field);
        var response = await client.PutAsync("/api/v1/config", RuleApiTests.Json(restore.ToJsonString()));

        var errors = await ErrorsAsync(response);
        Assert.Equal(["Required."], errors[path]);
        Assert.Single(errors);
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task An_empty_mac_policy_is_refused_not_read_as_off()
    {
        using var client = app.CreateAuthorizedClient();
        await EnsureAllowListedWithOneDeviceAsync(client);
        var restore = JsonNode.Parse(await client.GetStringAsync("/api/v1/config"))!.AsObject();
        restore["macPolicy"] = new JsonObject();

        var errors = await ErrorsAsync(await client.PutAsync("/api/v1/config", RuleApiTests.Json(restore.ToJsonString())));

        Assert.True(errors.ContainsKey("macPolicy.mode"));
        Assert.Equal("allow-listed", (await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters/policy")).GetProperty("mode").GetString());
    }

    [Fact]
    public async Task Incomplete_forwards_and_filters_are_named_by_index_with_every_bad_field()
    {
        using var client = app.CreateAuthorizedClient();
        var restore = JsonNode.Parse(await client.GetStringAsync("/api/v1/config"))!.AsObject();
        restore["portForwards"] = JsonNode.Parse("""
            [{"name":"ok","protocol":"tcp","externalPort":31000,"internalAddress":"192.168.1.30"},
             {"name":"","protocol":"tcp","internalAddress":"not-an-address"}]
            """);
        restore["macFilters"] = JsonNode.Parse("""[{"name":"x"},{"mac":"zz","name":"y"}]""");

        var errors = await ErrorsAsync(await client.PutAsync("/api/v1/config", RuleApiTests.Json(restore.ToJsonString())));

        Assert.Equal(["Required."], errors["portForwards[1].externalPort"]);
        Assert.True(errors.ContainsKey("portForwards[1].name"));
        Assert.True(errors.ContainsKey("portForwards[1].internalAddress"));
        Assert.Equal(["Required."], errors["macFilters[0].mac"]);
        Assert.True(errors.ContainsKey("macFilters[1].mac"));
        Assert.DoesNotContain(errors.Keys, key => key.StartsWith("portForwards[0]", StringComparison.Ordinal) || key == "macFilters[0].name");
    }

    [Fact]
    public async Task A_first_round_backup_restores_with_forwards_enabled_and_dos_logging_off()
    {
        using var client = app.CreateAuthorizedClient();
        var restore = JsonNode.Parse(await client.GetStringAsync("/api/v1/config"))!.AsObject();
        restore["portForwards"] = JsonNode.Parse("""
            [{"id":1,"name":"old web","protocol":"tcp","externalPort":31100,"externalPortEnd":null,"internalAddress":"192.168.1.31",
              "internalPort":null,"sourceCidr":null,"reflection":true,"ftpHelper":false,"logLevel":null}]
            """);
        restore["logging"] = JsonNode.Parse("""
            {"droppedInput":"warn","droppedForward":"off","portForwards":"info","macFilter":"off","ratePerMinute":60,"burst":10}
            """);
        foreach (var key in new[] { "rules", "protection", "oneToOne", "redirects", "policyRoutes", "helpers", "pinholes" })
        {
            restore.Remove(key);
        }

        var response = await client.PutAsync("/api/v1/config", RuleApiTests.Json(restore.ToJsonString()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        var after = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        var forward = Assert.Single(after.GetProperty("portForwards").EnumerateArray());
        Assert.True(forward.GetProperty("enabled").GetBoolean());
        Assert.Equal("off", after.GetProperty("logging").GetProperty("dos").GetString());
        Assert.Equal("warn", after.GetProperty("logging").GetProperty("droppedInput").GetString());
    }

    private static async Task EnsureAllowListedWithOneDeviceAsync(HttpClient client)
    {
        var filters = await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters");
        if (filters.GetArrayLength() == 0)
        {
            var created = await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = "0e:00:00:00:12:01", name = "laptop" });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "allow-listed" })).StatusCode);
    }

    internal static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Whole-config backup/restore of 1:1 NAT, redirects, policy routes, helpers and a forward's helper.</summary>
public sealed class ConfigNatApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private static object Network => new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true };

    private static object Logging => new { droppedInput = "off", droppedForward = "off", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10 };

    private static string Head => "{\"network\":" + JsonSerializer.Serialize(Network) + ",\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":"
        + JsonSerializer.Serialize(Logging);

    [Fact]
    public async Task Every_new_key_round_trips_through_a_backup_and_restoring_it_as_is_changes_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        var restore = new
        {
            network = Network,
            portForwards = new object[]
            {
                new { name = "tftp", protocol = "udp", externalPort = 69, internalAddress = "192.168.1.20", helper = "tftp" },
                new { name = "old ftp", protocol = "tcp", externalPort = 21, internalAddress = "192.168.1.21", ftpHelper = true },
            },
            macFilters = Array.Empty<object>(),
            macPolicy = new { mode = "off" },
            logging = Logging,
            oneToOne = new object[]
            {
                new { name = "nas", externalAddress = "203.0.113.10", internalAddress = "192.168.1.10" },
                new { name = "cam", enabled = false, externalAddress = "203.0.113.11", internalAddress = "192.168.1.11", addAddress = false },
            },
            redirects = new object[]
            {
                new { name = "dns", protocol = "both", port = 53, toPort = 53 },
                new { name = "proxy", inInterface = "wlan0", protocol = "tcp", port = 80, portEnd = 81, toPort = 3128, destination = "203.0.113.0/24" },
            },
            policyRoutes = new object[]
            {
                new { name = "kids", source = "192.168.1.128/25", outInterface = "wan2", gateway = "198.51.100.1" },
                new { name = "tv", source = "192.168.1.40", outInterface = "wan2", masquerade = false },
            },
            helpers = new { outbound = new[] { "ftp", "irc" } },
        };
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsJsonAsync("/api/v1/config", restore);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
        var oneToOne = (await client.GetFromJsonAsync<JsonElement>("/api/v1/one-to-one")).EnumerateArray().ToList();
        Assert.Equal(["nas", "cam"], oneToOne.Select(e => e.GetProperty("name").GetString()));
        Assert.True(oneToOne[0].GetProperty("addAddress").GetBoolean());
        Assert.True(oneToOne[0].GetProperty("enabled").GetBoolean());
        Assert.False(oneToOne[1].GetProperty("addAddress").GetBoolean());
        var redirects = (await client.GetFromJsonAsync<JsonElement>("/api/v1/redirects")).EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, redirects[0].GetProperty("inInterface").ValueKind);
        Assert.Equal(3128, redirects[1].GetProperty("toPort").GetInt32());
        var routes = (await client.GetFromJsonAsync<JsonElement>("/api/v1/policy-routes")).EnumerateArray().ToList();
        Assert.True(routes[0].GetProperty("masquerade").GetBoolean());
        Assert.False(routes[1].GetProperty("masquerade").GetBoolean());
        Assert.Equal(["ftp", "irc"], (await client.GetFromJsonAsync<JsonElement>("/api/v1/helpers")).GetProperty("outbound").EnumerateArray().Select(h => h.GetString()));
        var forwards = (await client.GetFromJsonAsync<JsonElement>("/api/v1/port-forwards")).EnumerateArray().ToList();
        Assert.Equal("tftp", forwards[0].GetProperty("helper").GetString());
        Assert.False(forwards[0].GetProperty("ftpHelper").GetBoolean());
        Assert.Equal("ftp", forwards[1].GetProperty("helper").GetString());
        Assert.True(forwards[1].GetProperty("ftpHelper").GetBoolean());

        // The backup carries each item as its resource, ids included; restoring it keeps the ids and changes nothing.
        var backupText = await client.GetStringAsync("/api/v1/config");
        var backup = JsonDocument.Parse(backupText).RootElement;
        Assert.Equal(oneToOne.Select(e => e.GetProperty("id").GetInt32()), backup.GetProperty("oneToOne").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()));
        Assert.Equal(routes[1].GetRawText(), backup.GetProperty("policyRoutes")[1].GetRawText());
        Assert.Equal(redirects[1].GetRawText(), backup.GetProperty("redirects")[1].GetRawText());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(backupText))).StatusCode);
        Assert.Equal(backupText, await client.GetStringAsync("/api/v1/config"));

        // A backup without the new keys restores to none of them.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(Head + "}"))).StatusCode);
        var emptied = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.Empty(emptied.GetProperty("oneToOne").EnumerateArray());
        Assert.Empty(emptied.GetProperty("redirects").EnumerateArray());
        Assert.Empty(emptied.GetProperty("policyRoutes").EnumerateArray());
        Assert.Empty(emptied.GetProperty("helpers").GetProperty("outbound").EnumerateArray());

        // Ids that no longer exist are not brought back: the restored entry gets a fresh one.
        var oldId = oneToOne[0].GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(backupText))).StatusCode);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/v1/one-to-one")).EnumerateArray(), e => e.GetProperty("id").GetInt32() == oldId);
    }

    [Theory]
    [InlineData(",\"redirects\":[{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53}]", "redirects[0].toPort")]
    [InlineData(",\"redirects\":[{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53,\"toPort\":53},{\"protocol\":\"udp\",\"port\":53,\"toPort\":\"x\"}]", "redirects[1].toPort")]
    [InlineData(",\"redirects\":[null]", "redirects[0]")]
    [InlineData(",\"oneToOne\":[{\"name\":\"o\",\"externalAddress\":\"203.0.113.9\"}]", "oneToOne[0].internalAddress")]
    [InlineData(",\"oneToOne\":[{\"name\":\"o\",\"externalAddress\":\"203.0.113.9\",\"internalAddress\":\"10.0.0.1\"}]", "oneToOne[0].internalAddress")]
    [InlineData(",\"oneToOne\":[{\"name\":\"a\",\"externalAddress\":\"203.0.113.9\",\"internalAddress\":\"192.168.1.9\"},{\"name\":\"b\",\"externalAddress\":\"203.0.113.9\",\"internalAddress\":\"192.168.1.8\"}]", "oneToOne[1].externalAddress")]
    [InlineData(",\"policyRoutes\":[{\"name\":\"p\",\"source\":\"192.168.1.9\"}]", "policyRoutes[0].outInterface")]
    [InlineData(",\"policyRoutes\":[{\"name\":\"p\",\"source\":\"192.168.1.9\",\"outInterface\":\"br-lan\"}]", "policyRoutes[0].outInterface")]
    [InlineData(",\"policyRoutes\":[{\"name\":\"a\",\"source\":\"192.168.1.9\",\"outInterface\":\"wan2\"},{\"name\":\"b\",\"source\":\"192.168.1.9\",\"outInterface\":\"ppp0\"}]", "policyRoutes[1].source")]
    [InlineData(",\"policyRoutes\":[{\"name\":\"p\",\"source\":\"192.168.1.9\"}],\"redirects\":[{\"name\":\"r\",\"port\":1,\"toPort\":2}]", "redirects[0].protocol")]
    [InlineData(",\"helpers\":{}", "helpers.outbound")]
    [InlineData(",\"helpers\":{\"outbound\":[\"gopher\"]}", "helpers.outbound[0]")]
    [InlineData(",\"helpers\":{\"outbound\":[\"sip\",\"sip\"]}", "helpers.outbound[1]")]
    public async Task Bad_new_items_in_a_restore_are_400_at_their_path_and_nothing_changes(string extra, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/config");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsync("/api/v1/config", RuleApiTests.Json(Head + extra + "}"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Whole-config backup/restore with rules (in order) and protection; a restore never weakens by omission.</summary>
public sealed class ConfigRulesApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private static object Network => new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true };

    private static object Logging => new { droppedInput = "off", droppedForward = "off", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10 };

    [Fact]
    public async Task Rules_and_protection_round_trip_through_a_backup_keeping_the_order()
    {
        using var client = app.CreateAuthorizedClient();
        var restore = new
        {
            network = Network,
            portForwards = Array.Empty<object>(),
            macFilters = Array.Empty<object>(),
            macPolicy = new { mode = "off" },
            logging = new { droppedInput = "off", droppedForward = "off", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10, dos = "notice" },
            rules = new object[]
            {
                new { name = "third", chain = "forward", action = "drop", source = "192.168.1.50", outInterface = "ppp*" },
                new { name = "first", chain = "input", action = "reject", protocol = "tcp", destinationPort = 22, rejectWith = "admin-prohibited", inInterface = "ppp*" },
                new { name = "second", chain = "output", action = "accept", family = "ipv6", logLevel = "info", limit = new { ratePerSecond = 3, burst = 6 } },
            },
            protection = new
            {
                wanInput = "reject",
                wanPing = true,
                synFlood = new { enabled = true, ratePerSecond = 30, burst = 60, perSource = false },
                icmpLimit = new { ratePerSecond = 5, burst = 9 },
                dropInvalid = true,
                antiSpoofing = false,
            },
        };
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsJsonAsync("/api/v1/config", restore);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
        var rules = (await client.GetFromJsonAsync<JsonElement>("/api/v1/rules")).EnumerateArray().ToList();
        Assert.Equal(["third", "first", "second"], rules.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal("admin-prohibited", rules[1].GetProperty("rejectWith").GetString());
        Assert.Equal(6, rules[2].GetProperty("limit").GetProperty("burst").GetInt32());
        var protection = await client.GetFromJsonAsync<JsonElement>("/api/v1/protection");
        Assert.Equal("reject", protection.GetProperty("wanInput").GetString());
        Assert.False(protection.GetProperty("antiSpoofing").GetBoolean());
        Assert.Equal("notice", (await client.GetFromJsonAsync<JsonElement>("/api/v1/logging")).GetProperty("dos").GetString());

        // The backup lists rules in run order, as their resource minus the read-only hits.
        var backupText = await client.GetStringAsync("/api/v1/config");
        var backup = JsonDocument.Parse(backupText).RootElement;
        var backupRules = backup.GetProperty("rules").EnumerateArray().ToList();
        Assert.Equal(rules.Select(r => r.GetProperty("id").GetInt32()), backupRules.Select(r => r.GetProperty("id").GetInt32()));
        Assert.All(backupRules, r => Assert.False(r.TryGetProperty("hits", out _)));
        Assert.Equal("notice", backup.GetProperty("logging").GetProperty("dos").GetString());
        Assert.Equal(30, backup.GetProperty("protection").GetProperty("synFlood").GetProperty("ratePerSecond").GetInt32());

        // Restoring the backup as-is keeps ids and order and changes nothing else.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(backupText))).StatusCode);
        Assert.Equal(backupText, await client.GetStringAsync("/api/v1/config"));
    }

    [Fact]
    public async Task Rule_items_carrying_hits_as_the_rules_listing_does_are_accepted()
    {
        using var client = app.CreateAuthorizedClient();
        await client.PostAsJsonAsync("/api/v1/rules", new { name = "listed", chain = "forward", action = "drop" });
        var backup = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await client.GetStringAsync("/api/v1/config"))!;
        backup["rules"] = await client.GetFromJsonAsync<JsonElement>("/api/v1/rules");
        Assert.Contains(backup["rules"].EnumerateArray(), r => r.TryGetProperty("hits", out _));

        var response = await client.PutAsJsonAsync("/api/v1/config", backup);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_rule_without_action_is_400_at_its_path_and_nothing_changes()
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/config");
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var restore = new
        {
            network = Network,
            portForwards = Array.Empty<object>(),
            macFilters = Array.Empty<object>(),
            macPolicy = new { mode = "off" },
            logging = Logging,
            rules = new object?[]
            {
                new { name = "no action", chain = "forward" },
                new { name = "fine but bad family", chain = "forward", action = "drop", family = "ipv4", source = "2001:db8::1" },
                new { chain = "input" },
                null,
            },
        };

        var response = await client.PutAsJsonAsync("/api/v1/config", restore);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("rules[0].action", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("rules[1].source", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("rules[2].name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("rules[2].action", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("rules[3]", out _), errors.ToString());
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Theory]
    [InlineData("{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"allow\"}", "rules[0].action")]
    [InlineData("{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"drop\",\"destinationPort\":\"80\"}", "rules[0].destinationPort")]
    [InlineData("{\"name\":\"r\",\"chain\":\"input\",\"action\":\"drop\",\"outInterface\":\"eth0\"}", "rules[0].outInterface")]
    public async Task Bad_rule_items_in_a_restore_are_400_at_their_path(string rule, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var body = "{\"network\":" + JsonSerializer.Serialize(Network) + ",\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":"
            + JsonSerializer.Serialize(Logging) + ",\"rules\":[" + rule + "]}";

        var response = await client.PutAsync("/api/v1/config", RuleApiTests.Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task A_first_round_backup_without_rules_or_protection_restores_to_no_rules_and_the_default_protection()
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/rules", new { name = "old", chain = "forward", action = "drop" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/protection", new { wanInput = "reject", wanPing = true, dropInvalid = false })).StatusCode);
        var firstRound = new
        {
            network = Network,
            portForwards = new object[] { new { id = 1, name = "ssh", enabled = true, protocol = "tcp", externalPort = 2222, internalAddress = "192.168.1.20", internalPort = 22 } },
            macFilters = Array.Empty<object>(),
            macPolicy = new { mode = "off" },
            logging = Logging,
        };

        var response = await client.PutAsJsonAsync("/api/v1/config", firstRound);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/rules")).EnumerateArray());
        ProtectionApiTests.AssertDefaults(await client.GetFromJsonAsync<JsonElement>("/api/v1/protection"));
        Assert.Equal("off", (await client.GetFromJsonAsync<JsonElement>("/api/v1/logging")).GetProperty("dos").GetString());
        Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/v1/port-forwards")).EnumerateArray());
    }

    [Fact]
    public async Task A_partial_protection_in_a_restore_takes_the_defaults_for_the_rest()
    {
        using var client = app.CreateAuthorizedClient();
        var restore = new
        {
            network = Network,
            portForwards = Array.Empty<object>(),
            macFilters = Array.Empty<object>(),
            macPolicy = new { mode = "off" },
            logging = Logging,
            protection = new { wanPing = true },
        };

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/config", restore)).StatusCode);

        var protection = await client.GetFromJsonAsync<JsonElement>("/api/v1/protection");
        Assert.True(protection.GetProperty("wanPing").GetBoolean());
        Assert.Equal("drop", protection.GetProperty("wanInput").GetString());
        Assert.True(protection.GetProperty("antiSpoofing").GetBoolean());
    }

    [Fact]
    public async Task The_dos_log_level_round_trips_through_logging()
    {
        using var client = app.CreateAuthorizedClient();
        var policy = new { droppedInput = "off", droppedForward = "off", portForwards = "off", macFilter = "off", dos = "warn", ratePerMinute = 60, burst = 10 };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/logging", policy)).StatusCode);
        Assert.Equal("warn", (await client.GetFromJsonAsync<JsonElement>("/api/v1/logging")).GetProperty("dos").GetString());

        var bad = await client.PutAsync("/api/v1/logging", RuleApiTests.Json("{\"dos\":\"loud\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("dos", out _));
        Assert.Equal("warn", (await client.GetFromJsonAsync<JsonElement>("/api/v1/logging")).GetProperty("dos").GetString());
    }
}

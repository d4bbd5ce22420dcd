using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Network, logging, status and whole-config backup/restore.</summary>
public sealed class SettingsApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Network_settings_round_trip_and_bump_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var response = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "eth0", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = false });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var network = await client.GetFromJsonAsync<JsonElement>("/api/v1/network");
        Assert.Equal("eth0", network.GetProperty("wanInterface").GetString());
        Assert.False(network.GetProperty("masquerade").GetBoolean());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task A_lan_change_that_strands_a_forward_is_409_and_changes_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(45000))).StatusCode);
        var before = await client.GetFromJsonAsync<JsonElement>("/api/v1/network");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "eth0", lanInterface = "br-lan", lanAddress = "10.9.0.1/16" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(before.GetProperty("lanAddress").GetString(), (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanAddress").GetString());
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Logging_policy_round_trips_and_bumps_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var policy = new { droppedInput = "warn", droppedForward = "info", portForwards = "off", macFilter = "debug", ratePerMinute = 120, burst = 20 };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/logging", policy)).StatusCode);
        var stored = await client.GetFromJsonAsync<JsonElement>("/api/v1/logging");
        Assert.Equal("warn", stored.GetProperty("droppedInput").GetString());
        Assert.Equal("debug", stored.GetProperty("macFilter").GetString());
        Assert.Equal(120, stored.GetProperty("ratePerMinute").GetInt32());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Status_reports_revisions_and_no_agent()
    {
        using var client = app.CreateAuthorizedClient();
        var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
        Assert.True(status.GetProperty("setupCompleted").GetBoolean());
        Assert.False(status.GetProperty("agentConnected").GetBoolean());
        Assert.True(status.GetProperty("desiredRevision").GetInt64() >= 1);
        Assert.Equal(0, status.GetProperty("appliedRevision").GetInt64());
    }

    [Fact]
    public async Task A_config_backup_restores_as_a_whole_keeping_existing_ids()
    {
        using var client = app.CreateAuthorizedClient();
        var kept = await (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(46000))).Content.ReadFromJsonAsync<JsonElement>();
        var keptId = kept.GetProperty("id").GetInt32();
        var backup = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.Contains(backup.GetProperty("portForwards").EnumerateArray(), f => f.GetProperty("id").GetInt32() == keptId);

        var restore = new
        {
            network = new { wanInterface = "wan0", lanInterface = "lan0", lanAddress = "192.168.1.1/24", masquerade = true },
            portForwards = new object[]
            {
                new { id = keptId, name = "kept", enabled = true, protocol = "tcp", externalPort = 46000, internalAddress = "192.168.1.60" },
                new { name = "new one", enabled = true, protocol = "udp", externalPort = 46001, internalAddress = "192.168.1.61" },
            },
            macFilters = new object[] { new { mac = "0A-00-00-00-00-01", name = "phone" } },
            macPolicy = new { mode = "deny-listed" },
            logging = new { droppedInput = "err", droppedForward = "off", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10 },
        };
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var response = await client.PutAsJsonAsync("/api/v1/config", restore);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var forwards = (await client.GetFromJsonAsync<JsonElement>("/api/v1/port-forwards")).EnumerateArray().ToList();
        Assert.Equal(2, forwards.Count);
        Assert.Equal("kept", forwards.Single(f => f.GetProperty("id").GetInt32() == keptId).GetProperty("name").GetString());
        Assert.True(forwards.Single(f => f.GetProperty("name").GetString() == "new one").GetProperty("id").GetInt32() > keptId);
        Assert.Equal("0a:00:00:00:00:01", (await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters")).EnumerateArray().Single().GetProperty("mac").GetString());
        Assert.Equal("deny-listed", (await client.GetFromJsonAsync<JsonElement>("/api/v1/mac-filters/policy")).GetProperty("mode").GetString());
        Assert.Equal("wan0", (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("wanInterface").GetString());
        Assert.Equal("err", (await client.GetFromJsonAsync<JsonElement>("/api/v1/logging")).GetProperty("droppedInput").GetString());

        // Restoring the exported document as-is works too (computed members never appear in it).
        var exported = await client.GetStringAsync("/api/v1/config");
        using var content = new StringContent(exported, System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", content)).StatusCode);
    }

    [Fact]
    public async Task An_invalid_restore_is_400_and_changes_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/config");
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var restore = new
        {
            network = new { wanInterface = "wan0", lanInterface = "lan0", lanAddress = "192.168.1.1/24" },
            portForwards = new object[]
            {
                new { name = "a", enabled = true, protocol = "tcp", externalPort = 100, externalPortEnd = 200, internalAddress = "192.168.1.60" },
                new { name = "b", enabled = true, protocol = "both", externalPort = 150, internalAddress = "192.168.1.61" },
            },
            macFilters = Array.Empty<object>(),
            macPolicy = new { mode = "off" },
            logging = new { ratePerMinute = 60, burst = 10 },
        };

        var response = await client.PutAsJsonAsync("/api/v1/config", restore);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("portForwards[1].externalPort", out _));
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }
}

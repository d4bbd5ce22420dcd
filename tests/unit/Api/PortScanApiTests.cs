using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>protection.portScan through PUT /api/v1/protection, and the block list against a fake agent.</summary>
public sealed class PortScanApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Port_scan_settings_round_trip_and_a_missing_field_takes_its_default()
    {
        using var client = app.CreateAuthorizedClient();

        var response = await client.PutAsJsonAsync("/api/v1/protection", new { portScan = new { enabled = true, ports = 20 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var scan = (await client.GetFromJsonAsync<JsonElement>("/api/v1/protection")).GetProperty("portScan");
        Assert.True(scan.GetProperty("enabled").GetBoolean());
        Assert.Equal(20, scan.GetProperty("ports").GetInt32());
        Assert.Equal(10, scan.GetProperty("withinSeconds").GetInt32());
        Assert.Equal(600, scan.GetProperty("blockSeconds").GetInt32());
        Assert.True((await client.GetFromJsonAsync<JsonElement>("/api/v1/config")).GetProperty("protection").GetProperty("portScan").GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("""{"portScan":{"ports":1}}""", "portScan.ports")]
    [InlineData("""{"portScan":{"ports":5000}}""", "portScan.ports")]
    [InlineData("""{"portScan":{"withinSeconds":0}}""", "portScan.withinSeconds")]
    [InlineData("""{"portScan":{"withinSeconds":3601}}""", "portScan.withinSeconds")]
    [InlineData("""{"portScan":{"blockSeconds":0}}""", "portScan.blockSeconds")]
    [InlineData("""{"portScan":{"blockSeconds":604801}}""", "portScan.blockSeconds")]
    [InlineData("""{"portScan":{"enabled":"yes"}}""", "portScan.enabled")]
    public async Task A_bad_port_scan_field_is_a_400_naming_it_and_nothing_is_stored(string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/protection");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var errors = await ConfigRestoreFieldsTests.ErrorsAsync(await client.PutAsync("/api/v1/protection", RuleApiTests.Json(body)));

        Assert.Contains(field, errors.Keys);
        Assert.Equal(before, await client.GetStringAsync("/api/v1/protection"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task The_block_list_comes_from_the_agent_and_a_delete_is_204_then_404_and_400_for_a_bad_address()
    {
        using var client = app.CreateAuthorizedClient();
        await using var agent = new FakeAgent(app.SocketPath);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!agent.HasClient || !(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }

        var expires = new DateTimeOffset(2026, 12, 7, 15, 0, 0, TimeSpan.Zero);
        agent.BlockedSources.Add(new BlockedSource("203.0.113.2", expires));

        var listed = await client.GetFromJsonAsync<JsonElement>("/api/v1/protection/blocked");
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal("203.0.113.2", only.GetProperty("address").GetString());
        Assert.Equal(expires, only.GetProperty("expiresAt").GetDateTimeOffset());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/protection/blocked/203.0.113.2")).StatusCode);
        Assert.Equal("203.0.113.2", (await agent.NextAsync<FreeBlockedSourceRequest>()).Address);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/protection/blocked/203.0.113.2")).StatusCode);
        var bad = await ConfigRestoreFieldsTests.ErrorsAsync(await client.DeleteAsync("/api/v1/protection/blocked/203.0.113.300"));
        Assert.Contains("address", bad.Keys);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// A rule's user, group and quota over REST: stored and shown, carried by a backup and its restore, the quota's use
/// in hits, and POST /rules/{id}/reset-quota through the agent.
/// </summary>
public sealed class RuleLoginQuotaApiTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task User_group_and_quota_are_stored_shown_and_survive_a_backup_and_its_restore()
    {
        using var client = _app.CreateAuthorizedClient();
        var created = await client.PostAsJsonAsync("/api/v1/rules", new
        {
            name = "nobody out",
            chain = "output",
            action = "reject",
            user = "nobody",
            group = "nogroup",
            quota = new { bytes = 200000, mode = "until" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("nobody", rule.GetProperty("user").GetString());
        Assert.Equal("nogroup", rule.GetProperty("group").GetString());
        Assert.Equal(200000, rule.GetProperty("quota").GetProperty("bytes").GetInt64());
        Assert.Equal("until", rule.GetProperty("quota").GetProperty("mode").GetString());
        Assert.Equal(0, rule.GetProperty("hits").GetProperty("quotaUsedBytes").GetInt64());

        var plain = await (await client.PostAsJsonAsync("/api/v1/rules", new { name = "plain", chain = "forward", action = "drop" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("hits").GetProperty("quotaUsedBytes").ValueKind);
        Assert.Equal(JsonValueKind.Null, plain.GetProperty("quota").ValueKind);

        // A restore of the backup as it is keeps every new field: none is dropped for being optional.
        var backupText = await client.GetStringAsync("/api/v1/config");
        var backupRule = JsonDocument.Parse(backupText).RootElement.GetProperty("rules").EnumerateArray().First(r => r.GetProperty("name").GetString() == "nobody out");
        Assert.Equal("nobody", backupRule.GetProperty("user").GetString());
        var changed = await client.PutAsJsonAsync($"/api/v1/rules/{rule.GetProperty("id").GetInt32()}", new
        {
            name = "nobody out",
            chain = "output",
            action = "reject",
            quota = new { bytes = 5, mode = "over" },
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var restored = await client.PutAsync("/api/v1/config", RuleApiTests.Json(backupText));

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/rules/{rule.GetProperty("id").GetInt32()}");
        Assert.Equal("nobody", after.GetProperty("user").GetString());
        Assert.Equal("nogroup", after.GetProperty("group").GetString());
        Assert.Equal(200000, after.GetProperty("quota").GetProperty("bytes").GetInt64());
        Assert.Equal("until", after.GetProperty("quota").GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData("user", "no-such-user-here", "rules[0].user")]
    [InlineData("group", "no-such-group-here", "rules[0].group")]
    public async Task A_restore_naming_an_account_the_router_lacks_is_400_and_changes_nothing(string field, string name, string path)
    {
        using var client = _app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/config");
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var restore = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(before)!;
        var item = new Dictionary<string, object> { ["name"] = "r", ["chain"] = "output", ["action"] = "drop", [field] = name };
        restore["rules"] = JsonSerializer.SerializeToElement(new[] { item });

        var response = await client.PutAsJsonAsync("/api/v1/config", restore);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(path, out _), errors.ToString());
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task The_quota_use_from_the_agent_shows_in_hits()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        var id = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/rules", new { name = "capped", chain = "forward", action = "accept", quota = new { bytes = 200000, mode = "until" } }));

        await agent.PushAsync(new CountersSample([new RuleHits(id, 90, 120000)], DateTimeOffset.UtcNow, Quotas: [new QuotaUse(id, 123456)]));

        var rule = await AgentFramesApiTests.PollAsync(async () =>
        {
            var r = await client.GetFromJsonAsync<JsonElement>($"/api/v1/rules/{id}");
            return r.GetProperty("hits").GetProperty("quotaUsedBytes").GetInt64() > 0 ? r : (JsonElement?)null;
        });
        Assert.Equal(123456, rule.GetProperty("hits").GetProperty("quotaUsedBytes").GetInt64());
    }

    [Fact]
    public async Task Reset_quota_asks_the_agent_for_a_rule_with_a_quota_and_refuses_the_rest()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        var capped = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/rules", new { name = "capped", chain = "forward", action = "accept", quota = new { bytes = 1000, mode = "over" } }));
        var plain = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/rules", new { name = "plain", chain = "forward", action = "drop" }));

        var reset = await client.PostAsync($"/api/v1/rules/{capped}/reset-quota", null);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Equal(capped, (await agent.NextAsync<ResetQuotaRequest>()).RuleId);

        var noQuota = await client.PostAsync($"/api/v1/rules/{plain}/reset-quota", null);
        Assert.Equal(HttpStatusCode.Conflict, noQuota.StatusCode);
        Assert.Equal("application/problem+json", noQuota.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/v1/rules/999999/reset-quota", null)).StatusCode);

        // Neither refusal reached the agent: the next reset it sees is this one.
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/v1/rules/{capped}/reset-quota", null)).StatusCode);
        Assert.Equal(capped, (await agent.NextAsync<ResetQuotaRequest>()).RuleId);
    }

    private static async Task<int> IdOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;
using Gateway.Web.Data;
using Gateway.Web.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The snapshot the apply pump sends comes from memory: port-forward writes patch the cached list row by row
/// instead of reading the table back. After each kind of write it must equal the database read whole — a stale
/// item here would be sent to the agent.
/// </summary>
public sealed class CachedSnapshotTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private async Task AssertSnapshotEqualsDatabaseAsync()
    {
        var cache = app.Services.GetRequiredService<DesiredStateCache>();
        var snapshot = (await cache.SnapshotAsync())!.Value;
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<GatewayDbContext>>().CreateDbContextAsync();
        var stored = (await ConfigService.ReadConfigAsync(db, CancellationToken.None))!;
        Assert.Equal(await app.DesiredRevisionInDatabaseAsync(), snapshot.Revision);
        Assert.Equal(
            JsonSerializer.Serialize(stored, AgentJsonContext.Default.GatewayConfig),
            JsonSerializer.Serialize(snapshot.Config, AgentJsonContext.Default.GatewayConfig));
    }

    [Fact]
    public async Task Creates_edits_deletes_refusals_and_restores_of_forwards_all_reach_the_snapshot()
    {
        using var client = app.CreateAuthorizedClient();
        await AssertSnapshotEqualsDatabaseAsync(); // the cache is filled

        var ids = new List<int>();
        foreach (var port in new[] { 47100, 47200, 47300 })
        {
            var created = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(port));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
            await AssertSnapshotEqualsDatabaseAsync();
        }

        // Edit the middle one (port and enabled), then back.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/port-forwards/{ids[1]}", PortForwardApiTests.Forward(47250, enabled: false))).StatusCode);
        await AssertSnapshotEqualsDatabaseAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/port-forwards/{ids[1]}", PortForwardApiTests.Forward(47200))).StatusCode);
        await AssertSnapshotEqualsDatabaseAsync();

        // Refused writes change nothing.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(47100))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/port-forwards/999999")).StatusCode);
        await AssertSnapshotEqualsDatabaseAsync();

        // Delete the first, then a restore that brings it back (as a new item) and drops the others.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/port-forwards/{ids[0]}")).StatusCode);
        await AssertSnapshotEqualsDatabaseAsync();
        var backup = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        var restored = JsonSerializer.SerializeToNode(backup)!.AsObject();
        restored["portForwards"] = new System.Text.Json.Nodes.JsonArray(JsonSerializer.SerializeToNode(PortForwardApiTests.Forward(47100)));
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/config", restored)).StatusCode);
        await AssertSnapshotEqualsDatabaseAsync();

        // And single writes after the restore patch the restored list.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(47400))).StatusCode);
        await AssertSnapshotEqualsDatabaseAsync();
    }
}

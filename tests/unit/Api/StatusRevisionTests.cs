using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// <c>GET /api/v1/status</c> answers the desired revision from memory: after every kind of write — committed,
/// refused, deleted, restored — it must still be the database's.
/// </summary>
public sealed class StatusRevisionTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private async Task AssertStatusMatchesDatabaseAsync(HttpClient client)
    {
        var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
        Assert.Equal(await app.DesiredRevisionInDatabaseAsync(), status.GetProperty("desiredRevision").GetInt64());
    }

    [Fact]
    public async Task The_status_revision_follows_creates_refusals_deletes_and_restores()
    {
        using var client = app.CreateAuthorizedClient();
        await AssertStatusMatchesDatabaseAsync(client);
        var before = await app.DesiredRevisionInDatabaseAsync();

        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(46100));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await AssertStatusMatchesDatabaseAsync(client);
        Assert.True(await app.DesiredRevisionInDatabaseAsync() > before);

        // An overlapping forward is refused: nothing committed, the revision stays.
        var refused = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(46100));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        await AssertStatusMatchesDatabaseAsync(client);

        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/port-forwards/{id}")).StatusCode);
        await AssertStatusMatchesDatabaseAsync(client);

        var backup = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/config", backup)).StatusCode);
        await AssertStatusMatchesDatabaseAsync(client);
    }
}

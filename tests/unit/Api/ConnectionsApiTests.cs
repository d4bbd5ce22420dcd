using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>GET /api/v1/connections and DELETE /api/v1/connections/{id} against a fake agent: 400s, the frames sent, 204 then 404.</summary>
public sealed class ConnectionsApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("protocol=tcpx", "protocol")]
    [InlineData("address=10.0.0.300", "address")]
    [InlineData("address=10.0.0.0/8", "address")]
    [InlineData("port=0", "port")]
    [InlineData("port=65536", "port")]
    [InlineData("device=not-a-mac", "device")]
    [InlineData("cursor=zz", "cursor")]
    public async Task Bad_query_is_a_400_naming_the_field(string query, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.GetAsync($"/api/v1/connections?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Filters_reach_the_agent_and_a_kill_is_204_then_404()
    {
        using var client = app.CreateAuthorizedClient();
        await using var agent = new FakeAgent(app.SocketPath);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!agent.HasClient || !(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }

        agent.Connections.Add(new ConnectionRow(
            77, "ipv4", "tcp", "ESTABLISHED", "192.168.1.20", 40000, "192.0.2.1", 443, "203.0.113.1", 40000, "192.0.2.1", 443,
            new ConnectionCounts(100, 2000), new ConnectionCounts(2, 3), 5, 431999, "forward", 4, "02:00:00:00:00:20"));

        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/connections?protocol=TCP&address=192.0.2.1&port=443&device=02-00-00-00-00-20&limit=5");
        var sent = await agent.NextAsync<ListConnectionsRequest>();
        Assert.Equal(("tcp", "192.0.2.1", 443, "02:00:00:00:00:20", 5), (sent.Protocol, sent.Address, sent.Port, sent.Device, sent.Limit));
        Assert.Equal(1, page.GetProperty("total").GetInt64());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var row = page.GetProperty("items")[0];
        Assert.Equal("203.0.113.1", row.GetProperty("translatedSource").GetString());
        Assert.Equal(2000, row.GetProperty("bytes").GetProperty("reply").GetInt64());
        Assert.Equal("forward", row.GetProperty("kind").GetString());
        Assert.Equal("02:00:00:00:00:20", row.GetProperty("device").GetString());

        // The query exactly as the contract writes it, every filter empty: the first page, unfiltered.
        await client.GetFromJsonAsync<JsonElement>("/api/v1/connections?protocol=&address=&port=&device=&limit=&cursor=");
        var unfiltered = await agent.NextAsync<ListConnectionsRequest>();
        Assert.Equal(((string?)null, (string?)null, (int?)null, (string?)null, 100, (string?)null), (unfiltered.Protocol, unfiltered.Address, unfiltered.Port, unfiltered.Device, unfiltered.Limit, unfiltered.Cursor));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/v1/connections/77")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/connections/77")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.DeleteAsync("/api/v1/connections/x1")).StatusCode);
    }
}

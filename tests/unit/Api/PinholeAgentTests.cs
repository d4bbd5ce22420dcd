using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Api;

/// <summary>Per-pinhole connection counts from a (fake) agent: on the link and in GET /api/v1/conntrack.</summary>
public sealed class PinholeAgentTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Pinhole_connection_counts_from_the_agent_show_in_conntrack_and_on_the_link()
    {
        using var client = app.CreateAuthorizedClient();
        await using var agent = new FakeAgent(app.SocketPath);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!agent.HasClient || !(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }

        var link = app.Services.GetRequiredService<Gateway.Web.AgentLink.AgentClient>();
        Assert.Empty(link.LatestPinholeConnections());

        // 1:1 counts and pinhole counts are separate lists: id 4 means a different thing in each.
        await agent.PushAsync(new ConntrackSample(
            12, 1000, new Dictionary<string, long> { ["tcp"] = 12 }, [], DateTimeOffset.UtcNow, [new ForwardConnections(4, 1)], [new ForwardConnections(4, 5), new ForwardConnections(7, 0)]));

        while (link.LatestPinholeConnections().Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The sample never arrived.");
            await Task.Delay(20);
        }

        Assert.Equal(5, link.LatestPinholeConnections()[4]);
        Assert.Equal(0, link.LatestPinholeConnections()[7]);
        Assert.Equal(1, link.LatestOneToOneConnections()[4]);
        var sample = await client.GetFromJsonAsync<JsonElement>("/api/v1/conntrack");
        Assert.Equal(4, sample.GetProperty("pinholes")[0].GetProperty("id").GetInt32());
        Assert.Equal(5, sample.GetProperty("pinholes")[0].GetProperty("connections").GetInt64());
    }
}

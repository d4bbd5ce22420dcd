using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Api;

/// <summary>A 1:1 external address the router already holds, and the agent did not add, is 409 — asked of a (fake) agent.</summary>
public sealed class OneToOneAgentTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task An_address_on_a_router_link_is_409_unless_the_agent_added_it_and_without_the_agent_the_check_is_skipped()
    {
        using var client = app.CreateAuthorizedClient();

        // No agent: the router's addresses are unknown, so the write goes through.
        var offline = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "offline", externalAddress = "198.51.100.3", internalAddress = "192.168.1.2" });
        Assert.Equal(HttpStatusCode.Created, offline.StatusCode);
        var offlineId = (await offline.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        await using var agent = new FakeAgent(app.SocketPath)
        {
            Interfaces =
            [
                new LinkInfo("br-lan", "02:00:00:00:00:01", ["192.168.1.1/24"], true),
                new LinkInfo("ppp0", null, ["198.51.100.2/32", "198.51.100.3/24", "203.0.113.7/32", "2001:db8::2/64"], true, DefaultRoute: true),
            ],
            AgentAddresses = ["203.0.113.7"],
        };
        await WaitForAgentAsync(client, agent);
        var revision = await app.DesiredRevisionInDatabaseAsync();

        // The WAN's own address: no other entry uses it, the link holds it.
        var steal = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "steal", externalAddress = "198.51.100.2", internalAddress = "192.168.1.3", addAddress = false });
        Assert.Contains("ppp0", await steal.Content.ReadAsStringAsync());
        await NatApiTests.AssertConflictAsync(steal, "externalAddress");
        // Enabling the entry stored while the agent was away is checked too; keeping it disabled is not.
        var enable = await client.PutAsJsonAsync($"/api/v1/one-to-one/{offlineId}", new { name = "offline", externalAddress = "198.51.100.3", internalAddress = "192.168.1.2" });
        Assert.Contains("ppp0", await enable.Content.ReadAsStringAsync());
        await NatApiTests.AssertConflictAsync(enable, "externalAddress");
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/one-to-one/{offlineId}", new { name = "offline", enabled = false, externalAddress = "198.51.100.3", internalAddress = "192.168.1.2" })).StatusCode);

        // An address the agent added for 1:1 NAT is fine, and so is one nobody holds.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "ours", externalAddress = "203.0.113.7", internalAddress = "192.168.1.7" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "free", externalAddress = "203.0.113.8", internalAddress = "192.168.1.8" })).StatusCode);

        // A restore goes through the same check, naming the item.
        var backup = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await client.GetStringAsync("/api/v1/config"))!;
        backup["oneToOne"] = JsonSerializer.SerializeToElement(new object[]
        {
            new { name = "fine", externalAddress = "203.0.113.8", internalAddress = "192.168.1.8" },
            new { name = "steal", externalAddress = "198.51.100.2", internalAddress = "192.168.1.9" },
        });
        var before = await client.GetStringAsync("/api/v1/config");
        await NatApiTests.AssertConflictAsync(await client.PutAsJsonAsync("/api/v1/config", backup), "oneToOne[1].externalAddress");
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
    }

    [Fact]
    public async Task The_uplinks_gateway_or_an_address_another_host_answers_for_there_is_409()
    {
        using var client = app.CreateAuthorizedClient();
        await using var agent = new FakeAgent(app.SocketPath)
        {
            Interfaces =
            [
                new LinkInfo("br-lan", "02:00:00:00:00:01", ["192.168.1.1/24"], true),
                new LinkInfo("wan0", "02:00:00:00:00:02", ["198.51.100.2/24"], true, DefaultRoute: true, Gateway: "198.51.100.1", Neighbours: ["198.51.100.1", "198.51.100.9"]),
            ],
        };
        await WaitForAgentAsync(client, agent);
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var gateway = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "gateway", externalAddress = "198.51.100.1", internalAddress = "192.168.1.30" });
        Assert.Contains("gateway of the router's link wan0", await gateway.Content.ReadAsStringAsync());
        await NatApiTests.AssertConflictAsync(gateway, "externalAddress");
        var neighbour = await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "neighbour", externalAddress = "198.51.100.9", internalAddress = "192.168.1.31" });
        Assert.Contains("another host on the router's link wan0", await neighbour.Content.ReadAsStringAsync());
        await NatApiTests.AssertConflictAsync(neighbour, "externalAddress");
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());

        // An address nobody answers for on the uplink is fine.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/one-to-one", new { name = "free", externalAddress = "198.51.100.10", internalAddress = "192.168.1.32" })).StatusCode);
    }

    [Fact]
    public async Task One_to_one_connection_counts_from_the_agent_show_in_conntrack_and_on_the_link()
    {
        using var client = app.CreateAuthorizedClient();
        await using var agent = new FakeAgent(app.SocketPath);
        await WaitForAgentAsync(client, agent);
        var link = app.Services.GetRequiredService<Gateway.Web.AgentLink.AgentClient>();

        await agent.PushAsync(new ConntrackSample(10, 1000, new Dictionary<string, long> { ["tcp"] = 10 }, [], DateTimeOffset.UtcNow, [new ForwardConnections(4, 3), new ForwardConnections(9, 0)]));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (link.LatestOneToOneConnections().Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The sample never arrived.");
            await Task.Delay(20);
        }

        Assert.Equal(3, link.LatestOneToOneConnections()[4]);
        Assert.Equal(0, link.LatestOneToOneConnections()[9]);
        var sample = await client.GetFromJsonAsync<JsonElement>("/api/v1/conntrack");
        Assert.Equal(3, sample.GetProperty("oneToOne")[0].GetProperty("connections").GetInt64());
    }

    /// <summary>Connected to this agent, not a previous test's one the web has not noticed is gone yet.</summary>
    private static async Task WaitForAgentAsync(HttpClient client, FakeAgent agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!agent.HasClient || !(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }
    }
}

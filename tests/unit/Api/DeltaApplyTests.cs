using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>When the web sends a one-item write as <c>apply-delta</c>, and when it sends the whole config.</summary>
public sealed class DeltaApplyTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    private static async Task<long> CreateForwardAsync(HttpClient client, int port)
    {
        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(port));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task One_item_writes_go_to_a_protocol_2_agent_as_deltas_over_the_revision_it_applied()
    {
        await using var agent = new FakeAgent(_app.SocketPath) { Protocol = AgentProtocol.DeltaVersion };
        var connect = await agent.NextAsync<ApplyRequest>(); // the whole config on connect
        using var client = _app.CreateAuthorizedClient();
        await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == connect.Revision);

        var id = await CreateForwardAsync(client, 8080);
        var desired = await _app.DesiredRevisionInDatabaseAsync();
        var put = await agent.NextAsync<ApplyDeltaRequest>();

        Assert.Equal((desired, connect.Revision, $"digest-of-{connect.Revision}"), (put.Revision, put.Base, put.BaseDigest));
        var change = Assert.Single(put.Changes);
        Assert.Equal(("portForwards", ListChange.Put, (int)id), (change.List, change.Op, change.Id));
        Assert.Equal(8080, change.Item!.Value.GetProperty("externalPort").GetInt32());
        await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/port-forwards/{id}")).StatusCode);
        var deleted = await agent.NextAsync<ApplyDeltaRequest>();
        Assert.Equal((desired, ListChange.Delete, (int)id), (deleted.Base, Assert.Single(deleted.Changes).Op, deleted.Changes[0].Id));
        var final = await _app.DesiredRevisionInDatabaseAsync();
        await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == final);

        // What the agent made of the deltas is the web's whole state of that revision.
        ApplyRequest last;
        lock (agent.Applies)
        {
            last = agent.Applies[^1];
        }

        Assert.Equal(final, last.Revision);
        Assert.Empty(last.Config.PortForwards);
    }

    [Fact]
    public async Task A_delta_the_agent_does_not_take_is_followed_by_the_whole_config_of_the_same_revision()
    {
        await using var agent = new FakeAgent(_app.SocketPath) { Protocol = AgentProtocol.DeltaVersion, RefuseDeltas = true };
        var connect = await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == connect.Revision);

        await CreateForwardAsync(client, 8081);
        var desired = await _app.DesiredRevisionInDatabaseAsync();

        Assert.Equal(desired, (await agent.NextAsync<ApplyDeltaRequest>()).Revision);
        var whole = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(desired, whole.Revision);
        Assert.Equal(8081, Assert.Single(whole.Config.PortForwards).ExternalPort);
        var status = await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastApplyError").ValueKind);
    }

    [Fact]
    public async Task A_settings_change_goes_to_a_protocol_2_agent_as_the_whole_config()
    {
        await using var agent = new FakeAgent(_app.SocketPath) { Protocol = AgentProtocol.DeltaVersion };
        var connect = await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == connect.Revision);

        var policy = await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "deny-listed" });
        Assert.Equal(HttpStatusCode.OK, policy.StatusCode);
        var desired = await _app.DesiredRevisionInDatabaseAsync();

        var whole = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(desired, whole.Revision);
        Assert.Equal(MacFilterMode.DenyListed, whole.Config.MacPolicy.Mode);
        lock (agent.Deltas)
        {
            Assert.Empty(agent.Deltas);
        }
    }

    [Fact]
    public async Task An_agent_of_protocol_1_gets_whole_configs_for_one_item_writes()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        var connect = await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await AgentLinkTests.WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == connect.Revision);

        await CreateForwardAsync(client, 8082);

        var whole = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(await _app.DesiredRevisionInDatabaseAsync(), whole.Revision);
        Assert.Empty(agent.Deltas);
    }
}

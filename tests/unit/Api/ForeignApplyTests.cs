using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// Another client of the agent applies under the web's revision: the web must not report its state as applied,
/// and it sends its desired state again (through REST status and a fake agent on a real socket).
/// </summary>
public sealed class ForeignApplyTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_foreign_apply_under_the_desired_revision_shows_as_not_applied_and_the_web_re_applies_its_own()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        var desired = await _app.DesiredRevisionInDatabaseAsync();
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);
        agent.ApplyGate = new SemaphoreSlim(0); // hold the web's answer to the foreign apply

        await agent.PushAsync(new AppliedEvent(desired, true, null, 3, "digest-of-someone-elses-config"));

        var again = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(desired, again.Revision);
        var status = await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() != desired);
        Assert.Equal(0, status.GetProperty("appliedRevision").GetInt64());
        Assert.Contains("Another client", status.GetProperty("lastApplyError").GetString(), StringComparison.Ordinal);

        agent.ApplyGate.Release();
        status = await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastApplyError").ValueKind);
    }

    [Fact]
    public async Task A_foreign_apply_of_the_webs_very_state_is_not_re_applied()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        var desired = await _app.DesiredRevisionInDatabaseAsync();
        var first = await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);

        // The fake agent's digest of the web's own apply (see FakeAgent.AnswerApplyAsync).
        await agent.PushAsync(new AppliedEvent(desired, true, null, 3, $"digest-of-{first.Revision}"));
        await agent.PushAsync(new DriftEvent(DateTimeOffset.UtcNow, "marker", true));
        await WaitForAsync(() => _app.Services.GetRequiredService<Gateway.Web.AgentLink.AgentFeed>().LastDrift is not null);

        var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
        Assert.Equal(desired, status.GetProperty("appliedRevision").GetInt64());
        lock (agent.Applies)
        {
            Assert.Single(agent.Applies);
        }
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        JsonElement status = default;
        await WaitForAsync(async () =>
        {
            status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
            return condition(status);
        });
        return status;
    }

    private static Task WaitForAsync(Func<bool> condition) => WaitForAsync(() => Task.FromResult(condition()));

    /// <summary>Polls until true; fails after 20 s (a hang guard, not a timing assertion).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true.");
            await Task.Delay(25);
        }
    }
}

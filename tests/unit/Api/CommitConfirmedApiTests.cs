using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.Confirm;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>Which writes carry <c>confirmSeconds</c> to the agent, keeping a pending revision, and storing a revert.</summary>
public sealed class CommitConfirmedApiTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    private async Task<(FakeAgent Agent, HttpClient Client)> ConnectedAsync()
    {
        var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>(); // the connect snapshot
        return (agent, _app.CreateAuthorizedClient());
    }

    [Fact]
    public async Task Rest_writes_carry_a_window_only_when_they_ask_and_a_bad_value_is_a_400_naming_confirm()
    {
        var (agent, client) = await ConnectedAsync();
        await using var connected = agent;
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards?confirm=7", PortForwardApiTests.Forward(8080))).StatusCode);
        Assert.Equal(7, (await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(8081))).StatusCode);
        Assert.Null((await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);

        var desired = await _app.DesiredRevisionInDatabaseAsync();
        foreach (var bad in new[] { "0", "4", "3601", "x", "5&confirm=6" })
        {
            var response = await client.PostAsJsonAsync($"/api/v1/port-forwards?confirm={bad}", PortForwardApiTests.Forward(8082));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("confirm", out _), bad);
        }

        Assert.Equal(desired, await _app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Panel_writes_carry_Apply_ConfirmSeconds_when_they_change_what_can_cut_the_owner_off()
    {
        var (agent, client) = await ConnectedAsync();
        await using var connected = agent;
        using var scope = _app.Services.CreateScope(); // a scope nobody marked: the panel's
        var network = scope.ServiceProvider.GetRequiredService<NetworkService>();
        var current = new NetworkSettings("ppp*", "br-lan", "192.168.1.1/24");

        Assert.True((await network.SetAsync(current with { Masquerade = false })).Succeeded);
        Assert.Null((await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);

        Assert.True((await network.SetAsync(current with { Masquerade = false, LanAddress = "192.168.2.1/24" })).Succeeded);
        Assert.Equal(60, (await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);
    }

    [Fact]
    public async Task A_pending_revision_shows_in_status_is_kept_by_confirm_and_a_revert_is_stored_as_a_new_revision()
    {
        var (agent, client) = await ConnectedAsync();
        await using var connected = agent;
        GatewayConfig before;
        using (var scope = _app.Services.CreateScope())
        {
            before = await scope.ServiceProvider.GetRequiredService<ConfigService>().ExportAsync();
        }

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards?confirm=30", PortForwardApiTests.Forward(8080))).StatusCode);
        var trial = (await agent.NextAsync<ApplyRequest>()).Revision;
        var deadline = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await agent.PushAsync(new ConfirmStateEvent(new PendingConfirmation(trial, deadline, trial - 1)));
        var status = await WaitForStatusAsync(client, s => s.GetProperty("pendingConfirmation").ValueKind == JsonValueKind.Object);
        Assert.Equal(trial, status.GetProperty("pendingConfirmation").GetProperty("revision").GetInt64());
        Assert.Equal("2030-01-02T03:04:05Z", status.GetProperty("pendingConfirmation").GetProperty("deadline").GetString());

        var confirming = client.PostAsync("/api/v1/apply/confirm", null);
        var confirmRequest = await agent.NextAsync<ConfirmRequest>();
        Assert.Equal(trial, confirmRequest.Revision);
        // The agent's answer names the request it answers (its id), as every reply does.
        await agent.PushAsync(new ConfirmStateEvent(null) { ReplyTo = confirmRequest.Id });
        var confirmed = await confirming;
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        Assert.Equal(trial, (await confirmed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("revision").GetInt64());
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("pendingConfirmation").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/v1/apply/confirm", null)).StatusCode);

        // The agent reverted the trial: the database follows, as one more revision, with the old state.
        await agent.PushAsync(new RevertedEvent(trial, trial - 1, before, "revision 9 was not confirmed within 30 s: restored revision 8", DateTimeOffset.UtcNow));
        var stored = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(trial + 1, stored.Revision);
        Assert.Null(stored.ConfirmSeconds);
        Assert.Empty(stored.Config.PortForwards);
        Assert.Equal(trial + 1, await _app.DesiredRevisionInDatabaseAsync());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/v1/config")).GetProperty("portForwards").EnumerateArray());
    }

    [Fact]
    public async Task A_plain_write_inside_a_pending_trial_confirms_it_and_says_so_while_a_confirm_write_extends_it()
    {
        var (agent, client) = await ConnectedAsync();
        await using var connected = agent;
        using (var first = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(8080)))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            Assert.False(first.Headers.Contains(TrialHeader)); // nothing pending: nothing to say
        }

        var id = (await (await client.GetAsync("/api/v1/port-forwards")).Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("id").GetInt32();
        await agent.NextAsync<ApplyRequest>();

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards?confirm=30", PortForwardApiTests.Forward(8081))).StatusCode);
        var trial = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(30, trial.ConfirmSeconds);
        await PendingAsync(agent, client, trial.Revision);

        // With ?confirm inside the window: it extends it (its own window goes to the agent), and confirms nothing.
        using (var extend = await client.PostAsJsonAsync("/api/v1/port-forwards?confirm=20", PortForwardApiTests.Forward(8082)))
        {
            Assert.Equal(HttpStatusCode.Created, extend.StatusCode);
            Assert.False(extend.Headers.Contains(TrialHeader));
        }

        var extended = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(20, extended.ConfirmSeconds);
        await PendingAsync(agent, client, extended.Revision);

        // A plain DELETE inside the window: applied without a window (the agent confirms the trial on it), and its
        // answer names the trial it kept.
        using (var plain = await client.DeleteAsync($"/api/v1/port-forwards/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, plain.StatusCode);
            Assert.Equal($"{extended.Revision}", Assert.Single(plain.Headers.GetValues(TrialHeader)));
        }

        Assert.Null((await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);
    }

    [Fact]
    public async Task A_trial_not_yet_sent_is_kept_by_a_plain_write_and_never_opens_a_window()
    {
        var (agent, client) = await ConnectedAsync();
        await using var connected = agent;
        agent.ApplyGate = new SemaphoreSlim(0);

        // The first write's apply is held at the agent, so the trial after it waits in the database, unsent.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(8080))).StatusCode);
        var held = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards?confirm=30", PortForwardApiTests.Forward(8081))).StatusCode);
        var trial = await _app.DesiredRevisionInDatabaseAsync();
        using (var plain = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(8082)))
        {
            Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
            Assert.Equal($"{trial}", Assert.Single(plain.Headers.GetValues(TrialHeader)));
        }

        agent.ApplyGate.Release(10);
        var next = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(trial + 1, next.Revision); // the burst coalesced into one apply, which carries no window
        Assert.Null(next.ConfirmSeconds);
        Assert.True(held.Revision < trial);
    }

    [Fact]
    public async Task A_revert_the_agent_made_just_before_a_plain_write_reached_it_undoes_no_write()
    {
        var (agent, client) = await ConnectedAsync();
        await using var connected = agent;
        GatewayConfig before;
        using (var scope = _app.Services.CreateScope())
        {
            before = await scope.ServiceProvider.GetRequiredService<ConfigService>().ExportAsync();
        }

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards?confirm=30", PortForwardApiTests.Forward(8080))).StatusCode);
        var trial = await agent.NextAsync<ApplyRequest>();
        await PendingAsync(agent, client, trial.Revision);
        using (var plain = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(8081)))
        {
            Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
            Assert.True(plain.Headers.Contains(TrialHeader));
        }

        var write = await agent.NextAsync<ApplyRequest>();

        // The trial's deadline passed at the agent while the plain write was on its way: the agent reverted, then
        // applied the write (trial included) on top. The revert must not be stored over the write it was told stands.
        var recorder = _app.Services.GetRequiredService<RevertRecorder>();
        Assert.True(await recorder.RecordAsync(new RevertedEvent(trial.Revision, trial.Revision - 1, before, "not confirmed", DateTimeOffset.UtcNow)));

        Assert.Equal(write.Revision, await _app.DesiredRevisionInDatabaseAsync());
        var ports = (await client.GetFromJsonAsync<JsonElement>("/api/v1/port-forwards")).EnumerateArray().Select(f => f.GetProperty("externalPort").GetInt32()).Order();
        Assert.Equal([8080, 8081], ports);

        // A revert of the latest revision is still stored as before.
        Assert.True(await recorder.RecordAsync(new RevertedEvent(write.Revision, trial.Revision - 1, before, "not confirmed", DateTimeOffset.UtcNow)));
        Assert.Equal(write.Revision + 1, await _app.DesiredRevisionInDatabaseAsync());
    }

    private const string TrialHeader = "Gateway-Confirmed-Trial";

    /// <summary>The agent reports <paramref name="revision"/> on trial; returns once the web shows it.</summary>
    private static async Task PendingAsync(FakeAgent agent, HttpClient client, long revision)
    {
        await agent.PushAsync(new ConfirmStateEvent(new PendingConfirmation(revision, new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), 1)));
        await WaitForStatusAsync(client, s => s.GetProperty("pendingConfirmation") is { ValueKind: JsonValueKind.Object } p
            && p.GetProperty("revision").GetInt64() == revision);
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        // A hang guard, not a timing assertion.
        var limit = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
            if (condition(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < limit, $"status never matched: {status}");
            await Task.Delay(50);
        }
    }
}

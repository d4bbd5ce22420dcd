using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>The web's agent link against a fake agent on a real Unix socket.</summary>
public sealed class AgentLinkTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task On_connect_the_web_says_hello_then_applies_the_newest_revision_and_status_reflects_applied()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        var desired = await _app.DesiredRevisionInDatabaseAsync();

        var hello = Assert.IsType<HelloRequest>(await agent.Received.Reader.ReadAsync());
        Assert.Equal(AgentProtocol.Version, hello.Protocol);
        var apply = Assert.IsType<ApplyRequest>(await agent.Received.Reader.ReadAsync());
        Assert.Equal(desired, apply.Revision);
        Assert.Equal("br-lan", apply.Config.Network.LanInterface);
        Assert.Equal("ppp*", apply.Config.Network.WanInterface);

        using var client = _app.CreateAuthorizedClient();
        var status = await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);
        Assert.True(status.GetProperty("agentConnected").GetBoolean());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("lastApplyError").ValueKind);
        Assert.Equal(JsonValueKind.String, status.GetProperty("lastAppliedAt").ValueKind);
    }

    [Fact]
    public async Task A_write_is_pushed_as_an_apply_of_its_revision_with_the_new_state()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();

        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(8080));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var desired = await _app.DesiredRevisionInDatabaseAsync();

        var apply = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(desired, apply.Revision);
        Assert.Equal(8080, Assert.Single(apply.Config.PortForwards).ExternalPort);
        await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);
    }

    [Fact]
    public async Task A_burst_of_writes_during_an_apply_coalesces_into_one_apply_of_the_newest_revision()
    {
        await using var agent = new FakeAgent(_app.SocketPath) { ApplyGate = new SemaphoreSlim(0) };
        await agent.NextAsync<ApplyRequest>(); // the connect snapshot, held unanswered
        using var client = _app.CreateAuthorizedClient();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(9000 + i))).StatusCode);
        }

        var desired = await _app.DesiredRevisionInDatabaseAsync();
        agent.ApplyGate.Release(100);

        var next = await agent.NextAsync<ApplyRequest>();
        Assert.Equal(desired, next.Revision);
        Assert.Equal(5, next.Config.PortForwards.Count);
        await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() == desired);
        lock (agent.Applies)
        {
            Assert.Equal(2, agent.Applies.Count);
        }
    }

    [Fact]
    public async Task A_refused_apply_shows_the_agents_error_and_keeps_the_applied_revision()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        var applied = (await WaitForStatusAsync(client, s => s.GetProperty("appliedRevision").GetInt64() > 0)).GetProperty("appliedRevision").GetInt64();

        agent.RefuseWith = "Error: Could not process rule: No such file or directory";
        await client.PostAsJsonAsync("/api/v1/port-forwards", PortForwardApiTests.Forward(7070));

        var status = await WaitForStatusAsync(client, s => s.GetProperty("lastApplyError").ValueKind == JsonValueKind.String);
        Assert.Equal("Error: Could not process rule: No such file or directory", status.GetProperty("lastApplyError").GetString());
        Assert.Equal(applied, status.GetProperty("appliedRevision").GetInt64());
        Assert.True(status.GetProperty("desiredRevision").GetInt64() > applied);
    }

    [Fact]
    public async Task Interfaces_ruleset_conntrack_and_logs_pass_through_from_the_agent()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await WaitForStatusAsync(client, s => s.GetProperty("agentConnected").GetBoolean());

        var links = await client.GetFromJsonAsync<JsonElement>("/api/v1/interfaces");
        Assert.Equal("br-lan", links[0].GetProperty("name").GetString());

        var ruleset = await client.GetAsync("/api/v1/ruleset");
        Assert.Equal("text/plain", ruleset.Content.Headers.ContentType?.MediaType);
        Assert.Equal("table inet gateway {\n}\n", await ruleset.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/v1/conntrack")).StatusCode); // no sample yet
        var sample = new ConntrackSample(42, 65536, new Dictionary<string, long> { ["tcp"] = 40, ["udp"] = 2 }, [new ForwardConnections(7, 3)], DateTimeOffset.UtcNow);
        await agent.PushAsync(sample);
        var conntrack = await WaitForAsync(async () =>
        {
            var r = await client.GetAsync("/api/v1/conntrack");
            return r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
        });
        Assert.Equal(42, conntrack.GetProperty("total").GetInt64());
        Assert.Equal(3, conntrack.GetProperty("portForwards")[0].GetProperty("connections").GetInt64());

        await agent.PushAsync(new LogEvent(
        [
            Entry("info", FirewallLogLevel.Info),
            Entry("warn", FirewallLogLevel.Warn),
            Entry("err", FirewallLogLevel.Err),
        ]));
        var logs = await WaitForAsync(async () =>
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/logs?minLevel=warn&limit=10");
            return list.GetArrayLength() == 2 ? list : (JsonElement?)null;
        });
        Assert.Equal("err", logs[0].GetProperty("summary").GetString()); // newest first
        Assert.Equal("warn", logs[1].GetProperty("summary").GetString());
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/api/v1/logs?limit=1")).GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/logs?minLevel=loud")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/v1/logs?limit=0")).StatusCode);
    }

    [Fact]
    public async Task The_conntrack_stream_sends_each_sample_as_a_server_sent_event()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        await WaitForStatusAsync(client, s => s.GetProperty("agentConnected").GetBoolean());

        using var response = await client.GetAsync("/api/v1/conntrack/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        for (var total = 1; total <= 2; total++)
        {
            await agent.PushAsync(new ConntrackSample(total, 100, new Dictionary<string, long>(), [], DateTimeOffset.UtcNow));
            var line = await ReadDataLineAsync(reader);
            Assert.Equal(total, JsonDocument.Parse(line["data: ".Length..]).RootElement.GetProperty("total").GetInt64());
        }
    }

    [Fact]
    public async Task The_conntrack_history_keeps_the_totals_of_the_last_minutes_oldest_first_and_outlives_the_agent()
    {
        using var client = _app.CreateAuthorizedClient();
        var now = DateTimeOffset.UtcNow;
        await using (var agent = new FakeAgent(_app.SocketPath))
        {
            await agent.NextAsync<ApplyRequest>();
            await WaitForStatusAsync(client, s => s.GetProperty("agentConnected").GetBoolean());
            Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/api/v1/conntrack/history")).GetArrayLength());

            // Sampled 15, 4 and 2 minutes ago and just now: the oldest is beyond the ten minutes kept.
            foreach (var (ago, total) in new[] { (900, 1L), (240, 2L), (120, 3L), (0, 4L) })
            {
                await agent.PushAsync(new ConntrackSample(total, 100, new Dictionary<string, long>(), [], now - TimeSpan.FromSeconds(ago)));
            }

            await WaitForAsync(async () =>
            {
                var all = await client.GetFromJsonAsync<JsonElement>("/api/v1/conntrack/history?seconds=600");
                return all.GetArrayLength() == 3 ? all : (JsonElement?)null;
            });
        }

        await WaitForStatusAsync(client, s => !s.GetProperty("agentConnected").GetBoolean());
        var lastFiveMinutes = await client.GetFromJsonAsync<JsonElement>("/api/v1/conntrack/history");
        Assert.Equal([2L, 3, 4], lastFiveMinutes.EnumerateArray().Select(p => p.GetProperty("total").GetInt64()));
        Assert.Equal(now, lastFiveMinutes[2].GetProperty("sampledAt").GetDateTimeOffset());
        var lastThreeMinutes = await client.GetFromJsonAsync<JsonElement>("/api/v1/conntrack/history?seconds=180");
        Assert.Equal([3L, 4], lastThreeMinutes.EnumerateArray().Select(p => p.GetProperty("total").GetInt64()));

        foreach (var bad in new[] { "0", "601", "-5", "soon" })
        {
            var response = await client.GetAsync($"/api/v1/conntrack/history?seconds={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("seconds", out _));
        }
    }

    [Fact]
    public async Task When_the_agent_goes_away_status_says_so_and_agent_routes_answer_503()
    {
        using var client = _app.CreateAuthorizedClient();
        await using (var agent = new FakeAgent(_app.SocketPath))
        {
            await agent.NextAsync<ApplyRequest>();
            await WaitForStatusAsync(client, s => s.GetProperty("agentConnected").GetBoolean());
        }

        await WaitForStatusAsync(client, s => !s.GetProperty("agentConnected").GetBoolean());
        foreach (var path in new[] { "/api/v1/interfaces", "/api/v1/ruleset", "/api/v1/conntrack", "/api/v1/logs", "/api/v1/conntrack/stream" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("agent-unavailable", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }

        // And it comes back: a new agent gets hello and the snapshot again.
        await using var again = new FakeAgent(_app.SocketPath);
        await again.NextAsync<HelloRequest>();
        Assert.Equal(await _app.DesiredRevisionInDatabaseAsync(), (await again.NextAsync<ApplyRequest>()).Revision);
    }

    [Theory]
    [InlineData("{\"type\":\"bogus\"}")]
    [InlineData("{\"type\":\"applied\",\"revision\":\"x\"}")]
    [InlineData("not json at all")]
    public async Task A_malformed_frame_from_the_agent_drops_the_connection_and_the_link_reconnects(string body)
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<HelloRequest>();
        await agent.NextAsync<ApplyRequest>();

        await agent.PushRawAsync(System.Text.Encoding.UTF8.GetBytes(body));

        await agent.NextAsync<HelloRequest>(); // a fresh connection
        Assert.Equal(await _app.DesiredRevisionInDatabaseAsync(), (await agent.NextAsync<ApplyRequest>()).Revision);
        using var client = _app.CreateAuthorizedClient();
        Assert.True((await WaitForStatusAsync(client, s => s.GetProperty("agentConnected").GetBoolean())).GetProperty("setupCompleted").GetBoolean());
    }

    private static FirewallLogEntry Entry(string summary, FirewallLogLevel level) =>
        new(DateTimeOffset.UtcNow, level, "dropped-input", null, summary, "wan0", null, "203.0.113.9", "198.51.100.1", "tcp", 40000, 22, null);

    private static async Task<string> ReadDataLineAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line;
            }
        }
    }

    internal static Task<JsonElement> WaitForStatusAsync(HttpClient client, Func<JsonElement, bool> condition) =>
        WaitForAsync(async () =>
        {
            var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
            return condition(status) ? status : (JsonElement?)null;
        });

    /// <summary>Polls until the condition yields a value; fails after 20 s (a hang guard, not a timing assertion).</summary>
    private static async Task<JsonElement> WaitForAsync(Func<Task<JsonElement?>> probe)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "The condition did not become true.");
            await Task.Delay(25);
        }
    }
}

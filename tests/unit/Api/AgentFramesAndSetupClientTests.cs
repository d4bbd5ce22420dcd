using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>Rule counters and drift frames from the agent show in the API.</summary>
public sealed class AgentFramesApiTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_counters_frame_shows_as_hits_in_the_rules()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        var counted = (await (await client.PostAsJsonAsync("/api/v1/rules", new { name = "counted", chain = "forward", action = "drop" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var quiet = (await (await client.PostAsJsonAsync("/api/v1/rules", new { name = "quiet", chain = "forward", action = "accept" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        await agent.PushAsync(new CountersSample([new RuleHits(counted, 7, 4200), new RuleHits(999999, 1, 1)], DateTimeOffset.UtcNow));

        var rules = await PollAsync(async () =>
        {
            var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/rules");
            return list.EnumerateArray().Any(r => r.GetProperty("hits").GetProperty("packets").GetInt64() > 0) ? list : (JsonElement?)null;
        });
        var byId = rules.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetInt32());
        Assert.Equal(7, byId[counted].GetProperty("hits").GetProperty("packets").GetInt64());
        Assert.Equal(4200, byId[counted].GetProperty("hits").GetProperty("bytes").GetInt64());
        Assert.Equal(0, byId[quiet].GetProperty("hits").GetProperty("packets").GetInt64());
        Assert.Equal(7, (await client.GetFromJsonAsync<JsonElement>($"/api/v1/rules/{counted}")).GetProperty("hits").GetProperty("packets").GetInt64());
    }

    [Fact]
    public async Task Status_has_no_drift_until_a_drift_frame_then_reports_it()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>();
        using var client = _app.CreateAuthorizedClient();
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("lastDrift").ValueKind);
        var at = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

        await agent.PushAsync(new DriftEvent(at, "table inet gateway was changed outside the agent", Repaired: true));

        var status = await PollAsync(async () =>
        {
            var s = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
            return s.GetProperty("lastDrift").ValueKind == JsonValueKind.Object ? s : (JsonElement?)null;
        });
        var drift = status.GetProperty("lastDrift");
        Assert.Equal(at, drift.GetProperty("detectedAt").GetDateTimeOffset());
        Assert.Equal("table inet gateway was changed outside the agent", drift.GetProperty("what").GetString());
        Assert.True(drift.GetProperty("repaired").GetBoolean());
    }

    /// <summary>Polls until the probe yields a value; fails after 20 s (a hang guard, not a timing assertion).</summary>
    internal static async Task<JsonElement> PollAsync(Func<Task<JsonElement?>> probe)
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

/// <summary>Before setup only the LAN side is served: the uplink gets 403 setup-forbidden.</summary>
public sealed class SetupClientGateTests : IAsyncLifetime
{
    private readonly RemoteAddressGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Before_setup_a_wan_side_client_is_refused_and_a_lan_client_proceeds()
    {
        await using var agent = new FakeAgent(_app.SocketPath)
        {
            Interfaces =
            [
                new LinkInfo("br-lan", "02:00:00:00:00:01", ["192.168.1.1/24"], true),
                new LinkInfo("wan0", "02:00:00:00:00:02", ["203.0.113.2/24"], true, DefaultRoute: true),
            ],
        };
        using var client = _app.CreateApiClient();

        // The LAN host proceeds once the agent has told the web its links (without the agent: fail closed).
        await AgentFramesApiTests.PollAsync(async () =>
        {
            var lan = await SendFromAsync(client, "192.168.1.20", HttpMethod.Get, "/api/v1/setup");
            return lan.StatusCode == HttpStatusCode.OK ? await lan.Content.ReadFromJsonAsync<JsonElement>() : null;
        });

        foreach (var wanSide in new[] { "203.0.113.7", "198.51.100.9", "::ffff:203.0.113.7", "2001:db8::5" })
        {
            var refused = await SendFromAsync(client, wanSide, HttpMethod.Get, "/api/v1/setup");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Equal("setup-forbidden", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        }

        var post = await SendFromAsync(client, "203.0.113.7", HttpMethod.Post, "/api/v1/setup", GatewayApplication.ValidSetup);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal(0, await _app.CountRowsAsync("AdminUsers"));

        var lanPost = await SendFromAsync(client, "192.168.1.20", HttpMethod.Post, "/api/v1/setup", GatewayApplication.ValidSetup);
        Assert.Equal(HttpStatusCode.Created, lanPost.StatusCode);

        // After setup the gate is the login: a WAN-side caller now meets 401, not 403.
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendFromAsync(client, "203.0.113.7", HttpMethod.Get, "/api/v1/status")).StatusCode);
    }

    private static Task<HttpResponseMessage> SendFromAsync(HttpClient client, string remote, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(RemoteAddressGatewayApplication.Header, remote);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return client.SendAsync(request);
    }
}

/// <summary>
/// TestServer connections have no remote address; this sets it from a test-only header before anything else
/// runs, so a test can speak as a LAN or WAN host. Only this test factory has it.
/// </summary>
public sealed class RemoteAddressGatewayApplication : GatewayApplication
{
    public const string Header = "X-Test-Remote-Address";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext context, RequestDelegate following) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return following(context);
            });
            next(app);
        };
    }
}

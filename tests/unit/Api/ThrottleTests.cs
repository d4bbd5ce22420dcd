using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Its own application: the throttle is per client address, and every test client shares one.</summary>
public sealed class ThrottleTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Five_failed_logins_lock_the_address_out_with_429_even_for_the_right_password()
    {
        using var client = app.CreateApiClient();
        for (var i = 0; i < 5; i++)
        {
            client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", $"wrong password {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/v1/tokens", new { name = "x" })).StatusCode);
        }

        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", GatewayApplication.Password);
        var response = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "x" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("too-many-attempts", problem.GetProperty("type").GetString());
        // The detail says how long, as Retry-After does; it does not blame an address (the bucket may be a network's).
        Assert.Equal($"Too many failed logins within 15 minutes; logging in is paused for {response.Headers.RetryAfter!.Delta!.Value.TotalSeconds:0} s.", problem.GetProperty("detail").GetString());

        // Bearer tokens keep working: the throttle is about guessing passwords.
        using var authed = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.OK, (await authed.GetAsync("/api/v1/status")).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// What a web before setup refuses. Every case leaves setup open and stores nothing (each asserts so, or that it was
/// refused before any handler ran), so all share one web instead of starting one each.
/// </summary>
public sealed class SetupGateRefusalTests(GatewayApplication app) : IClassFixture<GatewayApplication>
{
    [Theory]
    [InlineData("GET", "/api/v1/status")]
    [InlineData("GET", "/api/v1/network")]
    [InlineData("PUT", "/api/v1/network")]
    [InlineData("GET", "/api/v1/port-forwards")]
    [InlineData("POST", "/api/v1/port-forwards")]
    [InlineData("GET", "/api/v1/port-forwards/1")]
    [InlineData("DELETE", "/api/v1/port-forwards/1")]
    [InlineData("GET", "/api/v1/mac-filters")]
    [InlineData("GET", "/api/v1/mac-filters/policy")]
    [InlineData("GET", "/api/v1/rules")]
    [InlineData("POST", "/api/v1/rules")]
    [InlineData("PUT", "/api/v1/rules/order")]
    [InlineData("DELETE", "/api/v1/rules/1")]
    [InlineData("GET", "/api/v1/protection")]
    [InlineData("PUT", "/api/v1/protection")]
    [InlineData("GET", "/api/v1/logging")]
    [InlineData("GET", "/api/v1/logs")]
    [InlineData("GET", "/api/v1/conntrack")]
    [InlineData("GET", "/api/v1/conntrack/stream")]
    [InlineData("GET", "/api/v1/ruleset")]
    [InlineData("GET", "/api/v1/config")]
    [InlineData("PUT", "/api/v1/config")]
    [InlineData("GET", "/api/v1/tokens")]
    [InlineData("POST", "/api/v1/tokens")]
    public async Task Before_setup_every_other_route_answers_409_setup_required(string method, string path)
    {
        using var client = app.CreateApiClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT")
        {
            request.Content = JsonContent.Create(new { name = "x" });
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("setup-required", problem.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("short", "eth0", "eth1", "192.168.1.1/24", "adminPassword")]
    [InlineData("", "eth0", "eth1", "192.168.1.1/24", "adminPassword")]
    [InlineData("long enough password", "eth0;drop", "eth1", "192.168.1.1/24", "wanInterface")]
    [InlineData("long enough password", "eth0", "eth 1", "192.168.1.1/24", "lanInterface")]
    [InlineData("long enough password", "eth0", "eth0", "192.168.1.1/24", "lanInterface")]
    [InlineData("long enough password", "eth0", "lan*", "192.168.1.1/24", "lanInterface")]
    [InlineData("long enough password", "eth0", "eth1", "192.168.1.0/24", "lanAddress")]
    [InlineData("long enough password", "eth0", "eth1", "192.168.1.1", "lanAddress")]
    [InlineData("long enough password", "eth0", "eth1", "300.1.1.1/24", "lanAddress")]
    public async Task Invalid_setup_is_400_naming_the_field_and_leaves_setup_open(string password, string wan, string lan, string address, string field)
    {
        using var client = app.CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/v1/setup", new { adminPassword = password, wanInterface = wan, lanInterface = lan, lanAddress = address });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name {field}: {problem}");
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/setup")).GetProperty("completed").GetBoolean());
        Assert.Equal(0, await app.CountRowsAsync("AdminUsers"));
    }
}

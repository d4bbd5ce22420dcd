using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

public sealed class OpenApiAndPagesTests : IAsyncLifetime
{
    private readonly GatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task The_openapi_document_describes_every_route_with_error_responses()
    {
        using var client = _app.CreateApiClient();
        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        var expected = new (string Path, string Method)[]
        {
            ("/api/v1/setup", "get"), ("/api/v1/setup", "post"), ("/api/v1/interfaces", "get"),
            ("/api/v1/tokens", "post"), ("/api/v1/tokens", "get"), ("/api/v1/tokens/{id}", "delete"),
            ("/api/v1/status", "get"), ("/api/v1/network", "get"), ("/api/v1/network", "put"),
            ("/api/v1/port-forwards", "get"), ("/api/v1/port-forwards", "post"), ("/api/v1/port-forwards/{id}", "get"),
            ("/api/v1/port-forwards/{id}", "put"), ("/api/v1/port-forwards/{id}", "delete"),
            ("/api/v1/mac-filters", "get"), ("/api/v1/mac-filters", "post"), ("/api/v1/mac-filters/{id}", "get"),
            ("/api/v1/mac-filters/{id}", "put"), ("/api/v1/mac-filters/{id}", "delete"),
            ("/api/v1/mac-filters/policy", "get"), ("/api/v1/mac-filters/policy", "put"),
            ("/api/v1/mac-filters/this-device", "get"),
            ("/api/v1/logging", "get"), ("/api/v1/logging", "put"), ("/api/v1/logs", "get"),
            ("/api/v1/conntrack", "get"), ("/api/v1/conntrack/stream", "get"), ("/api/v1/conntrack/history", "get"),
            ("/api/v1/ruleset", "get"),
            ("/api/v1/config", "get"), ("/api/v1/config", "put"),
        };
        foreach (var (path, method) in expected)
        {
            Assert.True(paths.TryGetProperty(path, out var item), $"{path} missing");
            Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} missing");
            Assert.Equal(path != "/api/v1/setup", operation.GetProperty("responses").TryGetProperty("401", out _));
        }

        var create = paths.GetProperty("/api/v1/port-forwards").GetProperty("post");
        Assert.True(create.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("400", out _));
        Assert.True(create.GetProperty("responses").TryGetProperty("409", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("PortForward", out _));
    }

    [Fact]
    public async Task The_api_reference_page_is_served()
    {
        using var client = _app.CreateClient();
        var page = await client.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("scalar", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pages_redirect_to_setup_before_setup_and_to_login_afterwards()
    {
        using var client = _app.CreateApiClient();
        var before = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, before.StatusCode);
        Assert.Equal("/setup", before.Headers.Location?.OriginalString);

        await _app.CompleteSetupAsync();

        var after = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.StartsWith("/login", after.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }
}

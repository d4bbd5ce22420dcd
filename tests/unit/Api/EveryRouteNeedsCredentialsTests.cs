using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// Walks the app's own route table instead of a hand-written list, so a route added later without
/// RequireAuthorization fails here: after setup, every /api/v1 route and method but the setup ones is 401
/// without credentials (and with a garbage bearer token), and nothing is stored.
/// </summary>
public sealed class EveryRouteNeedsCredentialsTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Every_api_route_and_method_but_setup_answers_401_without_credentials()
    {
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern.RawText!)))
            .Where(r => !r.Pattern.StartsWith("/api/v1/setup", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .ToList();
        Assert.True(routes.Count >= 20, $"Only {routes.Count} routes found; the route table was not read.");
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var open = new List<string>();

        foreach (var (method, pattern) in routes)
        {
            var path = pattern.Replace("{id:int}", "1", StringComparison.Ordinal).TrimEnd('/');
            foreach (var bearer in new string?[] { null, "gw_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
            {
                using var client = app.CreateApiClient();
                if (bearer is not null)
                {
                    client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + bearer);
                }

                using var request = new HttpRequestMessage(new HttpMethod(method), path)
                {
                    Content = method is "POST" or "PUT" ? JsonContent.Create(new { name = "x", mode = "off" }) : null,
                };
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                {
                    open.Add($"{method} {path} (bearer: {bearer is not null}) → {(int)response.StatusCode}");
                    continue;
                }

                Assert.Null(response.Headers.Location);
                Assert.Equal("unauthorized", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
            }
        }

        Assert.True(open.Count == 0, "Reachable without credentials:\n" + string.Join("\n", open));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }
}

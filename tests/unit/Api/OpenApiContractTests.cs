using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The live OpenAPI document against the server it describes: for every operation with a JSON body, the smallest body
/// the document calls valid is accepted, the same body with an optional nullable field set to null is accepted (on
/// PUT), each required field at the ends of its stated range is accepted, and a body breaking any one rule the
/// document states is refused with 400 naming that field.
/// </summary>
public sealed class OpenApiContractTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    public static async Task<JsonObject> DocumentAsync(HttpClient client)
    {
        var text = await client.GetStringAsync("/openapi/v1.json");
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task Every_body_the_document_calls_valid_is_accepted_and_every_stated_rule_is_enforced()
    {
        using var client = _app.CreateAuthorizedClient();
        var document = await DocumentAsync(client);
        var bodies = new OpenApiBodies(document);
        var failures = new List<string>();
        var checkedRules = 0;

        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                var operation = operationNode!.AsObject();
                if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is not { } schema
                    || operation["operationId"]!.GetValue<string>() is "CompleteSetup")
                {
                    continue;
                }

                var id = operation["operationId"]!.GetValue<string>();
                using var caller = id == "CreateToken" ? BasicClient() : _app.CreateAuthorizedClient();
                var valid = bodies.Valid(schema)!.AsObject();
                var (target, cleanup) = await TargetAsync(client, bodies, document, path, failures);
                if (target is null)
                {
                    continue;
                }

                var accepted = await SendAsync(caller, method, target, valid);
                if (!accepted.IsSuccessStatusCode)
                {
                    failures.Add($"{id}: the valid body {valid.ToJsonString()} was {(int)accepted.StatusCode}: {await accepted.Content.ReadAsStringAsync()}");
                    continue;
                }

                if (method == "post" && accepted.Headers.Location is { } created && path != "/api/v1/tokens")
                {
                    // Deleted at once, so the bodies below meet no conflict with it.
                    Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(created)).StatusCode);
                }

                foreach (var breach in bodies.Breaches(valid, schema))
                {
                    checkedRules++;
                    var response = await SendAsync(caller, method, target, breach.Body);
                    var errors = await ErrorsAsync(response);
                    if (response.StatusCode != HttpStatusCode.BadRequest || !Names(errors, breach.Field))
                    {
                        failures.Add($"{id}: {breach} → {(int)response.StatusCode} naming [{string.Join(", ", errors)}]");
                        if (response.IsSuccessStatusCode && method == "post" && response.Headers.Location is { } stray)
                        {
                            await client.DeleteAsync(stray);
                        }
                    }
                }

                foreach (var bound in bodies.Bounds(valid, schema))
                {
                    checkedRules++;
                    var response = await SendAsync(caller, method, target, bound.Body);
                    if (!response.IsSuccessStatusCode)
                    {
                        failures.Add($"{id}: {bound.Field} at its stated {bound.Rule} was {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                    else if (method == "post" && response.Headers.Location is { } extra && path != "/api/v1/tokens")
                    {
                        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(extra)).StatusCode);
                    }
                }

                if (method == "put")
                {
                    foreach (var (field, body) in bodies.NullableFields(valid, schema))
                    {
                        checkedRules++;
                        var response = await SendAsync(caller, method, target, body);
                        if (!response.IsSuccessStatusCode)
                        {
                            failures.Add($"{id}: {field} is nullable in the document but null was {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        }
                    }
                }

                if (cleanup is not null)
                {
                    Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(cleanup)).StatusCode);
                }
            }
        }

        output.WriteLine($"{checkedRules} rule checks");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(checkedRules > 200, $"only {checkedRules} rule checks: the document states fewer rules than it should");
    }

    [Fact]
    public async Task Every_listed_415_and_404_is_what_the_server_answers()
    {
        using var client = _app.CreateAuthorizedClient();
        var document = await DocumentAsync(client);
        var bodies = new OpenApiBodies(document);
        var failures = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                var responses = operationNode!["responses"]!.AsObject();
                var url = path.Replace("{id}", "999999", StringComparison.Ordinal);
                var id = operationNode["operationId"]!.GetValue<string>();
                if (responses.ContainsKey("415") && id != "CompleteSetup")
                {
                    var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url) { Content = new StringContent("{}", Encoding.UTF8, "text/plain") };
                    var answer = await client.SendAsync(request);
                    if (answer.StatusCode != HttpStatusCode.UnsupportedMediaType)
                    {
                        failures.Add($"{id} with text/plain: {(int)answer.StatusCode}");
                    }
                }

                // A connection's 404 comes from the agent, absent here: ConnectionsApiTests checks it with a fake one.
                if (responses.ContainsKey("404") && path.Contains("{id}", StringComparison.Ordinal) && id != "KillConnection")
                {
                    var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                    if (operationNode["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema)
                    {
                        request.Content = new StringContent(bodies.Valid(schema)!.ToJsonString(), Encoding.UTF8, "application/json");
                    }

                    var answer = await client.SendAsync(request);
                    if (answer.StatusCode != HttpStatusCode.NotFound)
                    {
                        failures.Add($"{id} on an unknown id: {(int)answer.StatusCode}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public async Task Setup_takes_the_body_the_document_calls_valid_and_refuses_each_broken_rule()
    {
        var fresh = new GatewayApplication();
        try
        {
            await SetupAsync(fresh);
        }
        finally
        {
            await ((IAsyncLifetime)fresh).DisposeAsync();
        }
    }

    private static async Task SetupAsync(GatewayApplication fresh)
    {
        using var client = fresh.CreateApiClient();
        var document = await DocumentAsync(client);
        var bodies = new OpenApiBodies(document);
        var schema = document["paths"]!["/api/v1/setup"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var valid = bodies.Valid(schema)!.AsObject();

        var failures = new List<string>();
        foreach (var breach in bodies.Breaches(valid, schema))
        {
            var response = await SendAsync(client, "post", "/api/v1/setup", breach.Body);
            var errors = await ErrorsAsync(response);
            if (response.StatusCode != HttpStatusCode.BadRequest || !Names(errors, breach.Field))
            {
                failures.Add($"{breach} → {(int)response.StatusCode} naming [{string.Join(", ", errors)}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        var accepted = await SendAsync(client, "post", "/api/v1/setup", valid);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    [Fact]
    public async Task The_document_types_numbers_as_integers_and_requires_no_field_the_server_defaults()
    {
        using var client = _app.CreateAuthorizedClient();
        var document = await DocumentAsync(client);
        var text = document.ToJsonString();
        Assert.DoesNotContain("\"integer\",\"string\"", text, StringComparison.Ordinal);

        var forward = document["components"]!["schemas"]!["PortForwardInput"]!;
        Assert.Equal(["name", "protocol", "externalPort", "internalAddress"], forward["required"]!.AsArray().Select(r => r!.GetValue<string>()));
        Assert.Equal("integer", forward["properties"]!["externalPort"]!["type"]!.GetValue<string>());
        Assert.Equal(65535, forward["properties"]!["externalPort"]!["maximum"]!.GetValue<int>());
        var logging = document["components"]!["schemas"]!["LoggingInput"]!["properties"]!;
        Assert.Equal(10000, logging["ratePerMinute"]!["maximum"]!.GetValue<int>());

        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal(["bearer", "basic", "cookie"], schemes.Select(s => s.Key));
        string Security(string path, string method) => document["paths"]![path]![method]!["security"]!.ToJsonString();
        Assert.Equal("""[{"basic":[]},{"cookie":[]}]""", Security("/api/v1/tokens", "post"));
        Assert.Equal("""[{}]""", Security("/api/v1/setup", "post"));
        Assert.Equal("""[{},{"bearer":[]},{"cookie":[]}]""", Security("/api/v1/interfaces", "get"));
        Assert.Equal("""[{"bearer":[]},{"cookie":[]}]""", Security("/api/v1/port-forwards", "get"));
    }

    /// <summary>The URL to send to: the path itself, or for /{id} a fresh item created through the collection's POST.</summary>
    private static async Task<(string? Target, string? Cleanup)> TargetAsync(
        HttpClient client, OpenApiBodies bodies, JsonObject document, string path, List<string> failures)
    {
        if (!path.EndsWith("/{id}", StringComparison.Ordinal))
        {
            return (path, null);
        }

        var collection = path[..^"/{id}".Length];
        var schema = document["paths"]![collection]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        var response = await SendAsync(client, "post", collection, bodies.Valid(schema)!.AsObject());
        if (response.StatusCode != HttpStatusCode.Created || response.Headers.Location is not { } location)
        {
            failures.Add($"POST {collection} to make an item for {path}: {(int)response.StatusCode}");
            return (null, null);
        }

        return (location.OriginalString, location.OriginalString);
    }

    private HttpClient BasicClient()
    {
        var client = _app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", GatewayApplication.Password);
        return client;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string url, JsonObject body) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        });

    /// <summary>The field itself, or a field inside it (a missing macPolicy is reported as macPolicy.mode).</summary>
    private static bool Names(HashSet<string> errors, string field) =>
        errors.Any(key => key == field || key.StartsWith(field + ".", StringComparison.Ordinal));

    private static async Task<HashSet<string>> ErrorsAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.BadRequest)
        {
            return [];
        }

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.TryGetProperty("errors", out var errors)
            ? errors.EnumerateObject().Select(e => e.Name).ToHashSet(StringComparer.Ordinal)
            : [];
    }
}

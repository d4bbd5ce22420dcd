using System.Net;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// <c>?confirm</c> as the document states it: every operation that takes it lists the 400 (problem details) a bad value
/// gets, and the server does answer a bad value with 400 naming <c>confirm</c>.
/// </summary>
public sealed class OpenApiConfirmTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Every_operation_taking_confirm_lists_the_400_its_bad_value_gets()
    {
        using var client = _app.CreateAuthorizedClient();
        var document = await OpenApiContractTests.DocumentAsync(client);
        var missing = new List<string>();
        var deletes = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                var operation = operationNode!.AsObject();
                var takesConfirm = operation["parameters"]?.AsArray()
                    .Any(p => p?["name"]?.GetValue<string>() == "confirm" && p["in"]?.GetValue<string>() == "query") == true;
                if (!takesConfirm)
                {
                    continue;
                }

                deletes += method == "delete" ? 1 : 0;
                if (operation["responses"]?["400"]?["content"]?["application/problem+json"]?["schema"] is null)
                {
                    missing.Add($"{method.ToUpperInvariant()} {path}");
                }

                // The filter answers before the handler looks at the id or the body.
                var target = path.Replace("{id}", "999999", StringComparison.Ordinal) + "?confirm=1";
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), target);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                Assert.NotNull(problem["errors"]?["confirm"]);
            }
        }

        Assert.True(deletes >= 7, $"only {deletes} DELETE operations take confirm");
        Assert.Empty(missing);
    }
}

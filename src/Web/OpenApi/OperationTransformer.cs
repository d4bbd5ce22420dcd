using System.Globalization;
using System.Text.Json.Nodes;
using Gateway.Shared.Config;
using Gateway.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gateway.Web.OpenApi;

/// <summary>
/// Per operation: a summary (from <see cref="OperationTexts"/> where the endpoint has none), the credentials it takes
/// (read from the endpoint's authorization metadata, so a route made anonymous or protected changes the document with
/// it), every error answer that can happen, and the rules of the query parameters.
/// </summary>
internal sealed class OperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var id = operation.OperationId ?? "";
        if (string.IsNullOrWhiteSpace(operation.Summary))
        {
            operation.Summary = OperationTexts.Summary(id);
        }

        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any();
        operation.Security = GatewaySecurity.For(id, anonymous, context.Document);

        var responses = operation.Responses ??= new OpenApiResponses();
        var path = context.Description.RelativePath ?? "";
        if (operation.RequestBody is not null)
        {
            Add(responses, "400", "A field is missing or wrong: errors names each one.", "HttpValidationProblemDetails", context.Document);
            Add(responses, "415", "The body is sent with a Content-Type other than application/json (with none at all: 400 naming body).", "ProblemDetails", context.Document);
        }

        if (path.Contains("{id", StringComparison.Ordinal))
        {
            Add(responses, "404", "No item with that id.", "ProblemDetails", context.Document);
        }

        if (!anonymous || id is "CreateToken" or "GetInterfaces")
        {
            Add(responses, "401", "No valid credentials: " + GatewaySecurity.Accepted(id) + ".", "ProblemDetails", context.Document);
        }

        Add(responses, "403", "Before setup only the LAN side and the router's console are served (setup-forbidden).", "ProblemDetails", context.Document);
        var reading = HttpMethods.IsGet(context.Description.HttpMethod ?? "");
        Describe(responses, "409", id switch
        {
            "CompleteSetup" => "Setup has completed already.",
            _ when reading => "Setup required: before setup only setup and the interfaces list answer (setup-required).",
            _ => "Setup required (before setup), or the change conflicts with the stored state (errors names the field when there is one).",
        });
        Describe(responses, "400", operation.RequestBody is null
            ? "A query parameter is out of range: errors names it."
            : "A field is missing or wrong: errors names each one.");
        Describe(responses, "503", "The agent is not connected (agent-unavailable).");
        Describe(responses, "429", "Too many failed passwords lately (from this address, its network, or in all); Retry-After says how long (too-many-attempts).");
        if (id == "GetThisDevice")
        {
            Describe(responses, "404", "The caller is not a neighbour on the LAN link.");
        }

        if (id is "GetSetup" or "GetInterfaces")
        {
            responses.Remove("409");
        }

        if (!reading && id is not ("CompleteSetup" or "CreateToken" or "RevokeToken" or "ConfirmApply"))
        {
            // ConfirmQueryFilter reads it on every v1 write: a commit-confirmed window the agent undoes unless kept.
            (operation.Parameters ??= []).Add(new OpenApiParameter
            {
                Name = "confirm",
                In = ParameterLocation.Query,
                Description = "Commit-confirmed apply: the agent restores the previous ruleset (and the stored state follows) unless POST /api/v1/apply/confirm keeps this revision within this many seconds.",
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = "5",
                    Maximum = "3600",
                },
            });
            // A confirm out of range is a 400 naming it, on every write that takes one (DELETE has no body to list it).
            Add(responses, "400", operation.RequestBody is null
                ? "A query parameter is out of range (confirm): errors names it."
                : "A field is missing or wrong, or a query parameter is out of range (confirm): errors names each one.",
                "HttpValidationProblemDetails", context.Document);
        }

        DescribeQuery(operation);
        return Task.CompletedTask;
    }

    private static void Add(OpenApiResponses responses, string status, string description, string schema, OpenApiDocument? document)
    {
        if (responses.ContainsKey(status))
        {
            Describe(responses, status, description);
            return;
        }

        responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, document) },
            },
        };
    }

    private static void Describe(OpenApiResponses responses, string status, string description)
    {
        if (responses.TryGetValue(status, out var response) && response is OpenApiResponse concrete)
        {
            concrete.Description = description;
        }
    }

    /// <summary>The handlers read these as text and refuse what does not parse: the document states the values they take.</summary>
    private static void DescribeQuery(OpenApiOperation operation)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is not OpenApiParameter { In: ParameterLocation.Query } query)
            {
                continue;
            }

            query.Schema = query.Name switch
            {
                "minLevel" => new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Enum = Enum.GetValues<FirewallLogLevel>().Where(level => level != FirewallLogLevel.Off)
                        .Select(level => (JsonNode)JsonValue.Create(level.ToWord())!).ToList(),
                    Default = JsonValue.Create("debug"),
                },
                "limit" => Range(1, LogsApi.MaxLimit, 100),
                "seconds" => Range(1, ConntrackApi.MaxHistorySeconds, 300),
                _ => query.Schema,
            };
        }
    }

    private static OpenApiSchema Range(int minimum, int maximum, int defaultValue) => new()
    {
        Type = JsonSchemaType.Integer,
        Format = "int32",
        Minimum = minimum.ToString(CultureInfo.InvariantCulture),
        Maximum = maximum.ToString(CultureInfo.InvariantCulture),
        Default = JsonValue.Create(defaultValue),
    };
}

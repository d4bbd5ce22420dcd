using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gateway.Web.OpenApi;

/// <summary>Title, the error conventions, the security schemes, tag descriptions and a server without a trailing slash.</summary>
internal sealed class DocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Gateway REST API";
        document.Info.Description = "The v1 contract: desired state of the router, tokens, live agent data. "
            + "Errors are RFC 9457 problem details (application/problem+json); bad input is 400 with an errors map keyed by "
            + "field, naming each bad field; a body sent as another media type than application/json is 415 (with no Content-Type at all, 400 naming body); an unknown id is 404; a method a path "
            + "does not list is 405 with Allow. Before setup every route but setup and the interfaces list is 409 setup-required.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = GatewaySecurity.Schemes();

        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && OperationTexts.Tags.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        // The generator writes the request's base address with a trailing slash; relative to the document it is "/".
        document.Servers = [new OpenApiServer { Url = "/", Description = "This router." }];
        return Task.CompletedTask;
    }
}

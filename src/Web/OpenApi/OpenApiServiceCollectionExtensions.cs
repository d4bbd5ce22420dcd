using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;

namespace Gateway.Web.OpenApi;

public static class OpenApiServiceCollectionExtensions
{
    /// <summary>The v1 OpenAPI document, made to say what the server enforces (see the transformers beside this).</summary>
    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services)
    {
        // Request bodies are read by JsonBody with strict number handling; the web default allows numbers as strings,
        // and the generator describes what those options allow (integer or string). Minimal-API binding reads no JSON
        // body here, so making the default strict changes no answer and lets the document say "integer".
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        services.AddOpenApi(options =>
        {
            options.CreateSchemaReferenceId = type =>
                ConfigItemSchemaTransformer.ReferenceId(type.Type) ?? OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddOperationTransformer<OperationTransformer>();
            options.AddDocumentTransformer<DocumentTransformer>();
            // Before RequestSchemaTransformer: the restore items are copies of the item inputs' schemas as generated.
            options.AddDocumentTransformer<ConfigItemSchemaTransformer>();
            options.AddDocumentTransformer<RequestSchemaTransformer>();
        });
        return services;
    }
}

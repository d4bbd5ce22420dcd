using System.Text.Json;
using Gateway.Web.State;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gateway.Web.OpenApi;

/// <summary>
/// Describes each list item of <see cref="ConfigInput"/> as its wire shape: the item input's fields plus <c>id</c>, under
/// the name <c>Config</c> + the input's name (<c>ConfigPortForwardInput</c>). The generator cannot see through
/// <see cref="ConfigItemConverter"/> (a custom converter is "any JSON" to it), so the schema is built here from the item
/// input's own component; <see cref="RequestSchemaTransformer"/>, which runs after, then adds the field rules.
/// </summary>
internal sealed class ConfigItemSchemaTransformer : IOpenApiDocumentTransformer
{
    /// <summary>Each restore item's schema name and its item input: "ConfigPortForwardInput" → PortForwardInput.</summary>
    private static readonly Dictionary<string, Type> Items = typeof(ConfigInput).GetProperties()
        .Select(list => ItemInput(list.PropertyType))
        .OfType<Type>()
        .ToDictionary(input => ReferenceId(typeof(ConfigItem<>).MakeGenericType(input))!, StringComparer.Ordinal);

    /// <summary>The item input's schema name for a restore item's schema name ("PortForwardInput"); null for any other schema.</summary>
    public static string? InputSchemaOf(string schema) => Items.TryGetValue(schema, out var input) ? input.Name : null;

    /// <summary>The component name of <c>ConfigItem&lt;T&gt;</c>; null for every other type.</summary>
    public static string? ReferenceId(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ConfigItem<>) ? "Config" + type.GetGenericArguments()[0].Name : null;

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas is not { } schemas
            || !schemas.TryGetValue(nameof(ConfigInput), out var config)
            || config is not OpenApiSchema { Properties: { } lists })
        {
            return Task.CompletedTask;
        }

        foreach (var list in typeof(ConfigInput).GetProperties())
        {
            if (ItemInput(list.PropertyType) is not { } input)
            {
                continue;
            }

            if (!schemas.TryGetValue(input.Name, out var inputSchema) || inputSchema is not OpenApiSchema inputObject)
            {
                throw new InvalidOperationException($"The document has no schema {input.Name} to describe {nameof(ConfigInput)}.{list.Name} with.");
            }

            var name = ReferenceId(typeof(ConfigItem<>).MakeGenericType(input))!;
            schemas[name] = WithId(inputObject);
            if (lists.TryGetValue(JsonNamingPolicy.CamelCase.ConvertName(list.Name), out var property) && property is OpenApiSchema array)
            {
                array.Items = new OpenApiSchemaReference(name, document);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>T of IReadOnlyList&lt;ConfigItem&lt;T&gt;?&gt;, or null.</summary>
    private static Type? ItemInput(Type list) =>
        list.IsGenericType && list.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && ReferenceId(list.GetGenericArguments()[0]) is not null
            ? list.GetGenericArguments()[0].GetGenericArguments()[0]
            : null;

    /// <summary>
    /// A copy of the item input's schema with an optional integer <c>id</c> first. Each property is copied too: the
    /// field rules are applied per schema, and the item input's own schema must not change with this one.
    /// </summary>
    private static OpenApiSchema WithId(OpenApiSchema input)
    {
        var item = (OpenApiSchema)input.CreateShallowCopy();
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int32" },
        };
        foreach (var (name, property) in input.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            properties[name] = property.CreateShallowCopy();
        }

        item.Properties = properties;
        item.Required = input.Required is null ? null : new HashSet<string>(input.Required, StringComparer.Ordinal);
        return item;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Gateway.Web.OpenApi;

/// <summary>
/// Makes the component schemas say what the server enforces. The generator sees the input records' C# shape (every
/// field nullable, every constructor parameter "required"); the server reads them through <c>RequiredFields</c> and
/// the validators. So: <c>required</c> lists what a missing field makes a 400, a required field is not nullable (null
/// is "missing" there), the rest stay nullable (null takes the default), and each field carries the bounds, pattern
/// and example of <see cref="FieldContract"/>. Enumerations say they are strings.
/// </summary>
internal sealed class RequestSchemaTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return Task.CompletedTask;
        }

        foreach (var (name, candidate) in schemas)
        {
            if (candidate is not OpenApiSchema schema)
            {
                continue;
            }

            if (schema.Enum is { Count: > 0 } values && schema.Type is null)
            {
                // A nullable enum is a nullable property (its oneOf with "null"), not a null member of the shared enum.
                schema.Enum = values.Where(value => value is not null).ToList();
                schema.Type = JsonSchemaType.String;
            }

            if (FieldContract.TryGetRequired(name, out var required))
            {
                Describe(name, schema, required);
            }
        }

        return Task.CompletedTask;
    }

    private static void Describe(string name, OpenApiSchema schema, string[]? required)
    {
        schema.Required = required is null ? schema.Required ?? new HashSet<string>() : new HashSet<string>(required, StringComparer.Ordinal);
        if (schema.Properties is not { } properties)
        {
            return;
        }

        foreach (var property in properties.Keys.ToList())
        {
            var isRequired = schema.Required.Contains(property);
            if (isRequired)
            {
                properties[property] = WithoutNull(properties[property]);
            }

            if (FieldContract.For(name, property) is { } spec && properties[property] is OpenApiSchema field)
            {
                Apply(field, spec);
            }
        }

        if (FieldContract.ExactlyOneOfFor(name) is { } alternatives)
        {
            // "Exactly one of": oneOf fails when both alternatives match, so each needs only to require its field.
            schema.OneOf = alternatives.Select(field => (IOpenApiSchema)new OpenApiSchema
            {
                Required = new HashSet<string>([field], StringComparer.Ordinal),
            }).ToList();
        }

        // Unknown fields are ignored by the reader, not refused: the document says so instead of additionalProperties: false.
    }

    /// <summary>A required field refuses null: drop the null branch of the generated union.</summary>
    private static IOpenApiSchema WithoutNull(IOpenApiSchema property)
    {
        if (property is not OpenApiSchema schema)
        {
            return property;
        }

        if (schema.OneOf is { Count: 2 } branches && branches.Any(IsNullOnly))
        {
            return branches.First(branch => !IsNullOnly(branch));
        }

        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null) && type != JsonSchemaType.Null)
        {
            schema.Type = type & ~JsonSchemaType.Null;
        }

        return schema;
    }

    private static bool IsNullOnly(IOpenApiSchema schema) => schema is OpenApiSchema { Type: JsonSchemaType.Null };

    private static void Apply(OpenApiSchema field, FieldSpec spec)
    {
        if (spec.Minimum is { } minimum)
        {
            field.Minimum = minimum.ToString(CultureInfo.InvariantCulture);
        }

        if (spec.Maximum is { } maximum)
        {
            field.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
        }

        field.MinLength = spec.MinLength ?? field.MinLength;
        field.MaxLength = spec.MaxLength ?? field.MaxLength;
        field.Pattern = spec.Pattern ?? field.Pattern;
        field.Format = spec.Format ?? field.Format;
        field.Description = spec.Description ?? field.Description;
        if (spec.Example is { } example)
        {
            field.Examples = [JsonValue.Create(example)];
        }
    }
}

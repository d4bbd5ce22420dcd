using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Unit.Api;

/// <summary>One body that breaks one rule the document states for <see cref="Field"/>.</summary>
public sealed record Breach(string Field, string Rule, JsonObject Body)
{
    public override string ToString() => $"{Rule} of {Field}: {Body.ToJsonString()}";
}

/// <summary>
/// Request bodies made from the OpenAPI document alone: the smallest valid body (required fields only, numbers in the
/// middle of their range, strings from the schema's examples, first enum values, empty lists), and for each rule the
/// document states — required, not null, type, enum, minimum, maximum, minLength, maxLength, pattern — one body that
/// breaks it and nothing else.
/// </summary>
public sealed class OpenApiBodies(JsonObject document)
{
    private const string NotAValue = "no-such-value";

    public JsonObject Schema(string name) => document["components"]!["schemas"]![name]!.AsObject();

    /// <summary>Follows $ref, and for a nullable union (oneOf with a null branch) takes the other branch.</summary>
    public JsonObject Resolve(JsonNode schema)
    {
        var current = schema.AsObject();
        for (var depth = 0; depth < 8; depth++)
        {
            if (current["$ref"]?.GetValue<string>() is { } reference)
            {
                current = Schema(reference["#/components/schemas/".Length..]);
                continue;
            }

            if (current["oneOf"] is JsonArray branches && branches.Any(b => b!["$ref"] is not null || b["type"] is not null))
            {
                current = branches.First(b => !IsNullOnly(b!))!.AsObject();
                continue;
            }

            return current;
        }

        throw new InvalidOperationException("Schema references nest too deeply.");
    }

    public static bool AllowsNull(JsonNode schema) =>
        Types(schema.AsObject()).Contains("null")
        || (schema["oneOf"] is JsonArray branches && branches.Any(b => IsNullOnly(b!)));

    public static List<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    /// <summary>The required fields, plus the first alternative of an "exactly one of" (oneOf of required-only schemas).</summary>
    public static List<string> RequiredOf(JsonObject schema)
    {
        var required = (schema["required"] as JsonArray)?.Select(r => r!.GetValue<string>()).ToList() ?? [];
        if (schema["oneOf"] is JsonArray { Count: > 0 } alternatives && alternatives[0]!["required"] is JsonArray first
            && alternatives[0]!["type"] is null && alternatives[0]!["$ref"] is null)
        {
            required.AddRange(first.Select(r => r!.GetValue<string>()));
        }

        return required;
    }

    public JsonNode? Valid(JsonNode schemaNode)
    {
        var schema = Resolve(schemaNode);
        if (schema["enum"] is JsonArray values)
        {
            return values.First(v => v is not null)!.DeepClone();
        }

        var type = Types(schema).FirstOrDefault(t => t != "null") ?? (schema["properties"] is null ? "string" : "object");
        switch (type)
        {
            case "object":
                var body = new JsonObject();
                var properties = schema["properties"]?.AsObject();
                foreach (var field in RequiredOf(schema))
                {
                    body[field] = Valid(properties![field]!);
                }

                return body;
            case "array":
                return new JsonArray();
            case "integer":
                var minimum = Number(schema, "minimum") ?? 1;
                var maximum = Number(schema, "maximum") ?? minimum;
                return JsonValue.Create(minimum + ((maximum - minimum) / 2));
            case "boolean":
                return JsonValue.Create(true);
            default:
                var text = schema["examples"] is JsonArray { Count: > 0 } examples ? examples[0]!.GetValue<string>() : "Example";
                var minLength = Number(schema, "minLength") ?? 0;
                return JsonValue.Create(text.PadRight((int)minLength, 'x'));
        }
    }

    /// <summary>Every body that breaks one rule of <paramref name="schemaNode"/>, each starting from <paramref name="valid"/>.</summary>
    public List<Breach> Breaches(JsonObject valid, JsonNode schemaNode) => Breaches(valid, [], schemaNode);

    /// <summary>For each optional field that the document says may be null, the valid body with that field null.</summary>
    public List<(string Field, JsonObject Body)> NullableFields(JsonObject valid, JsonNode schemaNode)
    {
        var schema = Resolve(schemaNode);
        var required = RequiredOf(schema);
        var result = new List<(string, JsonObject)>();
        foreach (var (field, property) in schema["properties"]?.AsObject() ?? [])
        {
            if (!required.Contains(field) && AllowsNull(property!))
            {
                var body = valid.DeepClone().AsObject();
                body[field] = null;
                result.Add((field, body));
            }
        }

        return result;
    }

    /// <summary>
    /// The valid body with each required field at each end of its stated range or length (strings without a pattern):
    /// a stated bound the server does not reach is as wrong as one it does not enforce. Optional fields are left out:
    /// their ends meet cross-field rules (a range end below its start) that the schema states only in words.
    /// </summary>
    public List<Breach> Bounds(JsonObject valid, JsonNode schemaNode) => Bounds(valid, [], schemaNode);

    private List<Breach> Bounds(JsonObject root, List<string> at, JsonNode schemaNode)
    {
        var schema = Resolve(schemaNode);
        var result = new List<Breach>();
        var properties = schema["properties"]?.AsObject();
        foreach (var field in RequiredOf(schema))
        {
            var path = at.Append(field).ToList();
            var name = string.Join('.', path);
            var property = Resolve(properties![field]!);
            foreach (var keyword in new[] { "minimum", "maximum" })
            {
                if (Number(property, keyword) is { } bound)
                {
                    result.Add(new Breach(name, keyword, Set(root, path, JsonValue.Create(bound), remove: false)));
                }
            }

            if (property["pattern"] is null)
            {
                foreach (var keyword in new[] { "minLength", "maxLength" })
                {
                    if (Number(property, keyword) is { } length and > 0)
                    {
                        result.Add(new Breach(name, keyword, Set(root, path, JsonValue.Create(new string('b', (int)length)), remove: false)));
                    }
                }
            }

            if (Types(property).Contains("object") || (property["properties"] is not null && property["type"] is null))
            {
                result.AddRange(Bounds(root, path, properties[field]!));
            }
        }

        return result;
    }

    private List<Breach> Breaches(JsonObject root, List<string> at, JsonNode schemaNode)
    {
        var schema = Resolve(schemaNode);
        var required = RequiredOf(schema);
        var result = new List<Breach>();
        foreach (var (field, propertyNode) in schema["properties"]?.AsObject() ?? [])
        {
            var path = at.Append(field).ToList();
            var name = string.Join('.', path);
            var property = Resolve(propertyNode!);
            var types = Types(property);
            Breach With(string rule, JsonNode? value) => new(name, rule, Set(root, path, value, remove: false));

            if (required.Contains(field))
            {
                result.Add(new Breach(name, "required", Set(root, path, null, remove: true)));
                if (!AllowsNull(propertyNode!))
                {
                    result.Add(With("not null", null));
                }
            }

            result.Add(With("type", types.Contains("string") || property["enum"] is not null ? JsonValue.Create(12345) : JsonValue.Create("1")));
            if (property["enum"] is not null)
            {
                result.Add(With("enum", JsonValue.Create(NotAValue)));
            }

            if (Number(property, "minimum") is { } minimum)
            {
                result.Add(With("minimum", JsonValue.Create(minimum - 1)));
            }

            if (Number(property, "maximum") is { } maximum)
            {
                result.Add(With("maximum", JsonValue.Create(maximum + 1)));
            }

            if (Number(property, "minLength") is { } minLength and > 0)
            {
                result.Add(With("minLength", JsonValue.Create(new string('a', (int)minLength - 1))));
            }

            if (Number(property, "maxLength") is { } maxLength)
            {
                result.Add(With("maxLength", JsonValue.Create(new string('a', (int)maxLength + 1))));
            }

            if (property["pattern"]?.GetValue<string>() is { } pattern)
            {
                const string bad = "not valid";
                Assert.False(Regex.IsMatch(bad, pattern), $"{name}: the breaking text matches {pattern}");
                result.Add(With("pattern", JsonValue.Create(bad)));
            }

            if (Types(property).Contains("object") || (property["properties"] is not null && property["type"] is null))
            {
                // A nested object: present as its own valid body (added when optional), then broken field by field.
                var withObject = required.Contains(field) ? root : Set(root, path, Valid(propertyNode!), remove: false);
                result.AddRange(Breaches(withObject, path, propertyNode!));
            }
        }

        return result;
    }

    private static JsonObject Set(JsonObject root, List<string> path, JsonNode? value, bool remove)
    {
        var copy = root.DeepClone().AsObject();
        var parent = copy;
        foreach (var segment in path.SkipLast(1))
        {
            parent = parent[segment]!.AsObject();
        }

        if (remove)
        {
            parent.Remove(path[^1]);
        }
        else
        {
            parent[path[^1]] = value?.DeepClone();
        }

        return copy;
    }

    private static long? Number(JsonObject schema, string keyword) =>
        schema[keyword] is JsonValue value ? long.Parse(value.ToJsonString(), CultureInfo.InvariantCulture) : null;

    private static bool IsNullOnly(JsonNode schema) => schema["type"] is JsonValue type && type.GetValue<string>() == "null";
}

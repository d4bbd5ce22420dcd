using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Web.State;

/// <summary>
/// Reads and writes <see cref="ConfigItem{TInput}"/> as one flat object: <c>id</c> from its top level, the whole object
/// as the item input (which ignores <c>id</c>, and a listing's <c>hits</c>, like every unknown property).
/// </summary>
/// <remarks>
/// Errors keep the answer a restore gave when each item was a flat record: a <see cref="JsonException"/> thrown here
/// leaves <see cref="JsonException.Path"/> unset, so the serializer fills in the item's own path (<c>$.portForwards[3]</c>),
/// and carries the rest (<c>.id</c>, <c>.limit.burst</c>) as <see cref="ConfigItemJsonException.Tail"/>.
/// </remarks>
public sealed class ConfigItemConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ConfigItem<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        var input = typeToConvert.GetGenericArguments()[0];
        return (JsonConverter)Activator.CreateInstance(typeof(ItemConverter<>).MakeGenericType(input), options)!;
    }

    private sealed class ItemConverter<TInput>(JsonSerializerOptions options) : JsonConverter<ConfigItem<TInput>>
        where TInput : class
    {
        private readonly JsonTypeInfo<TInput> _input = (JsonTypeInfo<TInput>)options.GetTypeInfo(typeof(TInput));
        private readonly string _idName = options.PropertyNamingPolicy?.ConvertName(nameof(ConfigItem<TInput>.Id)) ?? nameof(ConfigItem<TInput>.Id);

        public override ConfigItem<TInput> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("A JSON object is required.");
            }

            // A copy of the reader walks the object's top level for the id; the original then reads the whole object.
            var id = ReadId(reader, options.PropertyNameCaseInsensitive);
            TInput? input;
            try
            {
                input = JsonSerializer.Deserialize(ref reader, _input);
            }
            catch (JsonException ex) when (ex.Path is not null)
            {
                // "$.externalPort" of the item, relative to it: the serializer prefixes the item's own path.
                throw new ConfigItemJsonException(ex.Path.Length > 1 ? ex.Path[1..] : "", ex);
            }

            return new ConfigItem<TInput>(id, input ?? throw new JsonException("A JSON object is required."));
        }

        public override void Write(Utf8JsonWriter writer, ConfigItem<TInput> value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            if (value.Id is { } id)
            {
                writer.WriteNumber(_idName, id);
            }

            foreach (var property in _input.Properties)
            {
                if (property.Get is null)
                {
                    continue;
                }

                writer.WritePropertyName(property.Name);
                JsonSerializer.Serialize(writer, property.Get(value.Input), property.PropertyType, options);
            }

            writer.WriteEndObject();
        }

        /// <summary>
        /// The object's <c>id</c>, or null when it has none. A second <c>id</c>, one that is not a whole number in range,
        /// or malformed JSON in the object is thrown with the path the flat record gave: the property, as sent.
        /// </summary>
        private static int? ReadId(Utf8JsonReader scan, bool caseInsensitive)
        {
            int? id = null;
            var seen = false;
            // The reader at the property being read, for its name when its value turns out malformed.
            var named = false;
            var name = scan;
            try
            {
                while (scan.Read() && scan.TokenType == JsonTokenType.PropertyName)
                {
                    name = scan;
                    named = true;
                    var isId = IsId(ref scan, caseInsensitive);
                    if (!scan.Read() || (!isId && !scan.TrySkip()))
                    {
                        break;
                    }

                    named = false;
                    if (!isId)
                    {
                        continue;
                    }

                    if (seen)
                    {
                        throw Tail(name.GetString()!);
                    }

                    seen = true;
                    id = scan.TokenType switch
                    {
                        JsonTokenType.Null => null,
                        JsonTokenType.Number when scan.TryGetInt32(out var number) => number,
                        _ => throw Tail(name.GetString()!),
                    };
                }
            }
            catch (JsonException ex) when (ex is not ConfigItemJsonException)
            {
                // Malformed JSON: named by the property whose value it is in, or by the item between properties.
                throw new ConfigItemJsonException(named ? PathSegment(name.GetString()!) : "", ex);
            }

            return id;
        }

        private static bool IsId(ref Utf8JsonReader scan, bool caseInsensitive)
        {
            if (scan.ValueIsEscaped || scan.HasValueSequence)
            {
                return string.Equals(scan.GetString(), "id", caseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            }

            var name = scan.ValueSpan;
            return name.Length == 2
                && (caseInsensitive ? (name[0] | 0x20) == 'i' && (name[1] | 0x20) == 'd' : name[0] == 'i' && name[1] == 'd');
        }

        private static ConfigItemJsonException Tail(string property) => new(PathSegment(property), null);
    }

    private static readonly SearchValues<char> NeedsBrackets = SearchValues.Create(".'/\"[]() \t\n\r\f\b\\\u0085\u2028\u2029");

    /// <summary>A property as System.Text.Json writes it in a path: ".name", or "['a b']" when the name holds a separator.</summary>
    private static string PathSegment(string property) =>
        property.AsSpan().ContainsAny(NeedsBrackets) ? $"['{property}']" : "." + property;
}

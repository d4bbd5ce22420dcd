namespace Gateway.Shared.Validation;

/// <summary>
/// Collects field errors keyed by the JSON path of the field ("portForwards[2].externalPort"),
/// the shape RFC 9457 validation problems carry in their <c>errors</c> map.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            list = [];
            _errors[field] = list;
        }

        list.Add(message);
    }

    public bool Has(string field) => _errors.ContainsKey(field);

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>"prefix.field", or just "field" when there is no prefix; keeps paths camelCase.</summary>
    public static string Path(string prefix, string field) => prefix.Length == 0 ? field : $"{prefix}.{field}";

    public override string ToString() =>
        string.Join("; ", _errors.Select(pair => $"{pair.Key}: {string.Join(", ", pair.Value)}"));
}

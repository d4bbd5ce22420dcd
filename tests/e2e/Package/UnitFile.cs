namespace Gateway.Tests.E2e.Package;

/// <summary>The settings of a systemd unit file, by section and key (repeated keys keep every value in order).</summary>
internal sealed class UnitFile
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private UnitFile()
    {
    }

    public static UnitFile Load(string path)
    {
        var unit = new UnitFile();
        var section = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[')
            {
                section = line.Trim('[', ']');
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var key = $"{section}.{line[..equals].Trim()}";
            if (!unit._values.TryGetValue(key, out var list))
            {
                unit._values[key] = list = [];
            }

            list.Add(line[(equals + 1)..].Trim());
        }

        return unit;
    }

    /// <summary>The last value of <c>[section] key</c>, or null.</summary>
    public string? Get(string section, string key) =>
        _values.TryGetValue($"{section}.{key}", out var list) && list.Count > 0 ? list[^1] : null;

    /// <summary>Space-separated words of every value of the key (Environment=, CapabilityBoundingSet=).</summary>
    public IReadOnlyList<string> Words(string section, string key) =>
        _values.TryGetValue($"{section}.{key}", out var list)
            ? [.. list.SelectMany(v => v.Split(' ', StringSplitOptions.RemoveEmptyEntries))]
            : [];

    /// <summary>
    /// The <c>setpriv</c> bounding set for <c>CapabilityBoundingSet=</c>: "-all" plus each named capability
    /// (an empty setting is no capability at all).
    /// </summary>
    public string SetprivBoundingSet() =>
        string.Join(',', Words("Service", "CapabilityBoundingSet")
            .Select(c => "+" + c.ToLowerInvariant().Replace("cap_", "", StringComparison.Ordinal))
            .Prepend("-all"));
}

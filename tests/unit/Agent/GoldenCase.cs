using System.Runtime.CompilerServices;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// One compiler golden case: <c>Golden/&lt;name&gt;.json</c> holds a description, a config and optionally the rule counters to carry over,
/// <c>Golden/&lt;name&gt;.nft</c> the exact table text it must compile to.
/// Set GATEWAY_UPDATE_GOLDEN=1 to rewrite the .nft files in the source tree from the current compiler.
/// </summary>
internal sealed record GoldenCase(string Name, string Description, GatewayConfig Config, IReadOnlyDictionary<int, RuleHits>? Counters)
{
    public static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "Agent", "Golden");

    public static bool Updating => Environment.GetEnvironmentVariable("GATEWAY_UPDATE_GOLDEN") == "1";

    public static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(OutputDirectory, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    public static GoldenCase Load(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(OutputDirectory, name + ".json")));
        var description = document.RootElement.GetProperty("description").GetString() ?? string.Empty;
        var config = document.RootElement.GetProperty("config").Deserialize(AgentJsonContext.Default.GatewayConfig)
            ?? throw new InvalidDataException($"{name}.json has no config.");
        Dictionary<int, RuleHits>? counters = null;
        if (document.RootElement.TryGetProperty("counters", out var list))
        {
            counters = list.EnumerateArray()
                .Select(e => new RuleHits(e.GetProperty("id").GetInt32(), e.GetProperty("packets").GetInt64(), e.GetProperty("bytes").GetInt64()))
                .ToDictionary(h => h.Id);
        }

        return new GoldenCase(name, description, config, counters);
    }

    public string ExpectedPath => Path.Combine(OutputDirectory, Name + ".nft");

    public static string SourceDirectory([CallerFilePath] string thisFile = "") => Path.Combine(Path.GetDirectoryName(thisFile)!, "Golden");
}

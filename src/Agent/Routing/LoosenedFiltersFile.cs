using System.Text.Json;

namespace Gateway.Agent.Routing;

/// <summary>A link whose <c>rp_filter</c> the agent set to 2 (loose), and the link's own value before.</summary>
public sealed record LoosenedFilter(string Link, string Previous);

/// <summary>The file's content.</summary>
public sealed record LoosenedFilters(IReadOnlyList<LoosenedFilter> Links);

/// <summary>
/// The reverse-path filters the agent loosened for policy routes (<c>loosened-rp-filters.json</c> in its state
/// directory), so the value it found goes back once no policy route needs the link loose, after a restart too.
/// Written before the agent changes a link and after it put one back, so a crash in between can only leave a record
/// of a link that is already as it was (which the restore then leaves alone: it only undoes a 2).
/// </summary>
public sealed class LoosenedFiltersFile(string directory)
{
    public const string FileName = "loosened-rp-filters.json";

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The recorded links; empty when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file exists but can't be parsed.</exception>
    public IReadOnlyList<LoosenedFilter> Load()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(FilePath), RoutingJsonContext.Default.LoosenedFilters)?.Links ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{FilePath} is not valid: {ex.Message}", ex);
        }
    }

    public void Save(IReadOnlyList<LoosenedFilter> links)
    {
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(new LoosenedFilters(links), RoutingJsonContext.Default.LoosenedFilters));
        File.Move(temp, FilePath, overwrite: true);
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Gateway.Agent.Routing;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Wan;

/// <summary>The static uplink the agent put in the kernel: the address on the link and the main table's default route.</summary>
public sealed record WanStaticRecord(string Link, string Address, int PrefixLength, string Gateway);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WanStaticRecord))]
internal sealed partial class WanJsonContext : JsonSerializerContext;

/// <summary>
/// Static mode over rtnetlink: adds the address and the default route when missing and removes exactly what it added
/// when the settings change or the mode leaves static. What it added is written to a file before it is added, so a
/// restarted agent still removes it and never anything it did not add.
/// </summary>
public sealed class WanStatic(IRoutingKernel kernel, string recordPath)
{
    public const int MainTable = 254;

    /// <summary>The static uplink <paramref name="wan"/> wants on <paramref name="link"/>, or null.</summary>
    public static WanStaticRecord? Wanted(WanSettings? wan, string? link)
    {
        if (wan is not { Mode: WanMode.Static } || link is null || link.Contains('*', StringComparison.Ordinal)
            || !Ipv4Cidr.TryParse(wan.Address ?? "", allowBareAddress: false, out var cidr) || wan.Gateway is null)
        {
            return null;
        }

        return new WanStaticRecord(link, Ipv4.Format(cidr.Address), cidr.PrefixLength, wan.Gateway);
    }

    /// <summary>One pass; returns what it changed, one line each. Throws <see cref="RoutingException"/> or IO errors.</summary>
    public IReadOnlyList<string> Reconcile(WanStaticRecord? want)
    {
        var changes = new List<string>();
        var recorded = Load();
        if (recorded is not null && recorded != want)
        {
            kernel.RemoveRoute(new RoutingRoute(MainTable, "default", recorded.Gateway, recorded.Link));
            kernel.RemoveIpv4Address(recorded.Link, recorded.Address, recorded.PrefixLength);
            File.Delete(recordPath);
            changes.Add($"removed {recorded.Address}/{recorded.PrefixLength} and default via {recorded.Gateway} from {recorded.Link}");
        }

        if (want is null)
        {
            return changes;
        }

        if (kernel.Links().All(l => l.Name != want.Link))
        {
            return changes;
        }

        if (recorded != want)
        {
            Save(want);
        }

        if (!kernel.Addresses().Any(a => a.Link == want.Link && a.Address == want.Address))
        {
            kernel.AddIpv4Address(want.Link, want.Address, want.PrefixLength);
            changes.Add($"added {want.Address}/{want.PrefixLength} to {want.Link}");
        }

        // Already there (ours from before, or an equal one) is not an error.
        kernel.AddRoute(new RoutingRoute(MainTable, "default", want.Gateway, want.Link));
        return changes;
    }

    private WanStaticRecord? Load()
    {
        if (!File.Exists(recordPath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(recordPath), WanJsonContext.Default.WanStaticRecord);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{recordPath} is not valid: {ex.Message}", ex);
        }
    }

    private void Save(WanStaticRecord record)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(recordPath)!);
        var temp = recordPath + ".tmp";
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(record, WanJsonContext.Default.WanStaticRecord));
        File.Move(temp, recordPath, overwrite: true);
    }
}

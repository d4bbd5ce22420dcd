using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Agent.Routing;

/// <summary>
/// One address the agent put on a link and the link's name: a 1:1 NAT address "a.b.c.d" (/32), the LAN's static
/// IPv6 address (<c>network.lanIpv6</c>, /64), or with <paramref name="Lan"/> the LAN's IPv4 address
/// (<c>network.lanAddress</c>, or the first-boot address). Files written before IPv6 have no prefix length: 32.
/// </summary>
public sealed record AddedAddress(string Link, string Address, int PrefixLength = 32, bool Lan = false)
{
    public bool IsIpv6 => Address.Contains(':', StringComparison.Ordinal);

    /// <summary>A 1:1 NAT address (IPv4, not the LAN's).</summary>
    public bool IsOneToOne => !IsIpv6 && !Lan;

    /// <summary>The LAN's IPv4 address.</summary>
    public bool IsLanIpv4 => !IsIpv6 && Lan;
}

/// <summary>The file's content.</summary>
public sealed record AddedAddresses(IReadOnlyList<AddedAddress> Addresses);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(AddedAddresses))]
[JsonSerializable(typeof(LoosenedFilters))]
internal sealed partial class RoutingJsonContext : JsonSerializerContext;

/// <summary>
/// The addresses the agent added to links, kept beside the last-good state (<c>added-addresses.json</c>) so a
/// restarted agent removes what it added and no longer wants, and never anything else. Written before an address
/// is added and after one is removed, so a crash in between can only leave a record of an address that is gone.
/// </summary>
public sealed class AddedAddressesFile(string directory)
{
    public const string FileName = "added-addresses.json";

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The agent's state directory, where the other records of kernel settings it changed live too.</summary>
    public string StateDirectory => directory;

    /// <summary>The recorded addresses; empty when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file exists but can't be parsed.</exception>
    public IReadOnlyList<AddedAddress> Load()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(FilePath), RoutingJsonContext.Default.AddedAddresses)?.Addresses ?? [];
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{FilePath} is not valid: {ex.Message}", ex);
        }
    }

    public void Save(IReadOnlyList<AddedAddress> addresses)
    {
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(new AddedAddresses(addresses), RoutingJsonContext.Default.AddedAddresses));
        File.Move(temp, FilePath, overwrite: true);
    }
}

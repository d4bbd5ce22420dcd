using System.Globalization;

namespace Gateway.Web.Devices;

/// <summary>
/// Vendors by the first three bytes of a MAC, from the IEEE MA-L registry as Debian's <c>ieee-data</c> ships it
/// (<c>/usr/share/ieee-data/oui.txt</c>), read once at start. A locally administered MAC (bit 1 of the first byte:
/// the random addresses phones use for privacy) has no vendor, even where the registry lists its block.
/// </summary>
public sealed class OuiRegistry
{
    public const string DefaultPath = "/usr/share/ieee-data/oui.txt";

    private readonly Dictionary<uint, string> _vendors;

    private OuiRegistry(Dictionary<uint, string> vendors) => _vendors = vendors;

    public static OuiRegistry Empty { get; } = new([]);

    public int Count => _vendors.Count;

    /// <summary>Reads the registry file; a missing or unreadable file gives an empty registry (vendors show as unknown).</summary>
    public static OuiRegistry Load(string path)
    {
        try
        {
            using var reader = new StreamReader(path);
            return Parse(reader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Empty;
        }
    }

    /// <summary>
    /// Parses the text form: each block starts with a line "00-22-72   (hex)\t\tVendor name" (CRLF line ends);
    /// the "(base 16)" and address lines after it are skipped.
    /// </summary>
    public static OuiRegistry Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var vendors = new Dictionary<uint, string>();
        while (reader.ReadLine() is { } line)
        {
            var marker = line.IndexOf("(hex)", StringComparison.Ordinal);
            if (marker < 8)
            {
                continue;
            }

            var prefix = line[..marker].Trim();
            var name = line[(marker + 5)..].Trim();
            if (prefix.Length != 8 || name.Length == 0
                || !uint.TryParse(prefix.Replace("-", string.Empty, StringComparison.Ordinal), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var key))
            {
                continue;
            }

            vendors.TryAdd(key, name);
        }

        return new OuiRegistry(vendors);
    }

    /// <summary>The vendor of a MAC in "aa:bb:cc:dd:ee:ff" form; null for a locally administered, unknown or malformed one.</summary>
    public string? Vendor(string mac)
    {
        ArgumentNullException.ThrowIfNull(mac);
        if (mac.Length < 8
            || !byte.TryParse(mac.AsSpan(0, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var first)
            || !byte.TryParse(mac.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var second)
            || !byte.TryParse(mac.AsSpan(6, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var third))
        {
            return null;
        }

        // Checked first: the registry lists some 02-… blocks, yet a random address in one names no vendor.
        if ((first & 0x02) != 0)
        {
            return null;
        }

        return _vendors.GetValueOrDefault(((uint)first << 16) | ((uint)second << 8) | third);
    }
}

using System.Globalization;

namespace Gateway.Web.Components.Pages.Devices;

/// <summary>Byte counts and rates as people read them (1,000-based units, as link speeds are quoted).</summary>
public static class ByteText
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB"];

    public static string Bytes(long bytes)
    {
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {Units[unit]}");
    }

    /// <summary>Bytes per second as bits per second ("12.3 Mbit/s").</summary>
    public static string Rate(long bytesPerSecond)
    {
        double bits = bytesPerSecond * 8.0;
        string[] units = ["bit/s", "kbit/s", "Mbit/s", "Gbit/s"];
        var unit = 0;
        while (bits >= 1000 && unit < units.Length - 1)
        {
            bits /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bits:0} {units[unit]}")
            : string.Create(CultureInfo.InvariantCulture, $"{bits:0.0} {units[unit]}");
    }
}

using System.Globalization;

namespace Gateway.Agent.State;

/// <summary>What the file remembers of the last table this agent wrote.</summary>
/// <param name="Fingerprint">Its structure fingerprint (with kernel handles), once taken; null before.</param>
/// <param name="Generation">The nftables generation right after the write, when it could be read.</param>
public sealed record WrittenTable(string? Fingerprint, uint? Generation);

/// <summary>
/// The last table this agent applied, kept beside the last-good state. Kernel handles and the nftables generation
/// outlive an agent restart (not a reboot), so at start an equal generation (nothing committed since) or an equal
/// structure fingerprint proves the table in the kernel is the one the previous run wrote, and only then are its
/// rule counters carried over. Two lines: the fingerprint (or <c>-</c>), the generation (or <c>-</c>).
/// </summary>
public sealed class FingerprintFile(string directory)
{
    public const string FileName = "table.fingerprint";

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The stored record, or null when there is none or it can't be read.</summary>
    public WrittenTable? Load()
    {
        try
        {
            if (!File.Exists(FilePath))
            {
                return null;
            }

            var lines = File.ReadAllLines(FilePath);
            var fingerprint = lines.Length > 0 && lines[0].Trim() is { Length: > 0 } f && f != "-" ? f : null;
            uint? generation = lines.Length > 1 && uint.TryParse(lines[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var g) ? g : null;
            return new WrittenTable(fingerprint, generation);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Best effort: a lost record only costs the counters at the next start. No fsync: it is written on every apply.</summary>
    public void Save(WrittenTable? written)
    {
        try
        {
            if (written is null)
            {
                File.Delete(FilePath);
                return;
            }

            Directory.CreateDirectory(directory);
            var generation = written.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-";
            File.WriteAllText(FilePath, $"{written.Fingerprint ?? "-"}\n{generation}\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

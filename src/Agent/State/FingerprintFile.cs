namespace Gateway.Agent.State;

/// <summary>
/// The fingerprint of the last table this agent applied, kept beside the last-good state. Kernel handles outlive
/// an agent restart (not a reboot), so at start an equal fingerprint proves the table in the kernel is the one the
/// previous run wrote, and only then are its rule counters carried over.
/// </summary>
public sealed class FingerprintFile(string directory)
{
    public const string FileName = "table.fingerprint";

    public string FilePath => Path.Combine(directory, FileName);

    /// <summary>The stored fingerprint, or null when there is none or it can't be read.</summary>
    public string? Load()
    {
        try
        {
            return File.Exists(FilePath) ? File.ReadAllText(FilePath).Trim() : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Best effort: a lost fingerprint only costs the counters at the next start.</summary>
    public void Save(string? fingerprint)
    {
        try
        {
            if (fingerprint is null)
            {
                File.Delete(FilePath);
                return;
            }

            Directory.CreateDirectory(directory);
            File.WriteAllText(FilePath, fingerprint + "\n");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}

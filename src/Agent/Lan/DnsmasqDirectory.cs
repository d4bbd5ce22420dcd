using System.Text;

namespace Gateway.Agent.Lan;

/// <summary>What the running dnsmasq needs after new files were rendered.</summary>
public enum DnsmasqAction
{
    /// <summary>Nothing changed (or nothing runs and nothing is wanted).</summary>
    None,

    /// <summary>Nothing runs yet (or it died): start it.</summary>
    Start,

    /// <summary>Only names, static leases or upstream servers changed: SIGHUP, which re-reads them without losing a query.</summary>
    Reload,

    /// <summary>The main file changed: dnsmasq reads it only at start.</summary>
    Restart,

    /// <summary>Nothing to serve any more.</summary>
    Stop,
}

/// <summary>
/// The directory of the agent's dnsmasq (mode 0755, files 0644: dnsmasq re-reads its files as the user it drops to),
/// and the decision what a new rendering means for the running process.
/// </summary>
public sealed class DnsmasqDirectory(string directory)
{
    private const UnixFileMode DirectoryMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public DnsmasqPaths Paths { get; } = new(directory);

    /// <summary>
    /// <paramref name="running"/>: the files the live process was started or last reloaded with (null: none runs).
    /// A changed main file restarts; any other change reloads.
    /// </summary>
    public static DnsmasqAction Decide(DnsmasqFiles? running, DnsmasqFiles next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (next.Idle)
        {
            return running is null ? DnsmasqAction.None : DnsmasqAction.Stop;
        }

        if (running is null)
        {
            return DnsmasqAction.Start;
        }

        if (running.Conf != next.Conf)
        {
            return DnsmasqAction.Restart;
        }

        return running == next ? DnsmasqAction.None : DnsmasqAction.Reload;
    }

    /// <summary>Writes the files that differ from what is on disk, each atomically (a reader sees the old or the new whole file).</summary>
    public void Write(DnsmasqFiles files)
    {
        ArgumentNullException.ThrowIfNull(files);
        Directory.CreateDirectory(Paths.Directory);
        // The mode of an existing directory too: a umask (or an older run) may have made it unreadable to dnsmasq's user.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Paths.Directory, DirectoryMode);
        }

        WriteIfChanged(Paths.Hosts, files.Hosts);
        WriteIfChanged(Paths.DhcpHosts, files.DhcpHosts);
        WriteIfChanged(Paths.Upstream, files.Upstream);
        WriteIfChanged(Paths.Conf, files.Conf);
    }

    private static void WriteIfChanged(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        File.WriteAllBytes(temp, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, FileMode);
        }

        File.Move(temp, path, overwrite: true);
    }
}

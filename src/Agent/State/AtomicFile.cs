using static Tmds.Linux.LibC;

namespace Gateway.Agent.State;

/// <summary>Whole-file replacement that a crash or power cut can't leave half-written or undone.</summary>
public static class AtomicFile
{
    /// <summary>Writes a temp file beside <paramref name="path"/>, fsyncs it, renames it over, fsyncs the directory.</summary>
    public static void Write(string path, ReadOnlySpan<byte> bytes)
    {
        var directory = Path.GetDirectoryName(path) ?? throw new ArgumentException("The path has no directory.", nameof(path));
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(bytes);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        SyncDirectory(directory);
    }

    /// <summary>Makes a rename or delete itself durable: without it a crash can bring back the old name.</summary>
    public static unsafe void SyncDirectory(string path)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            var fd = open(p, O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0)
            {
                return;
            }

            fsync(fd);
            close(fd);
        }
    }
}

using System.Globalization;

namespace Gateway.Bench.E2e;

/// <summary>
/// A process's resident memory from /proc/pid/smaps, split by what the mappings hold (MiB): <c>Code</c> file-backed
/// executable pages (native libraries, ReadyToRun code of assemblies); <c>Jit</c> the runtime's JIT'd code and stubs
/// (its W^X double mapping, a memfd "doublemapper", and any anonymous executable mapping); <c>Files</c> the rest of
/// the file-backed pages (IL and metadata of mapped assemblies, read-only data); <c>Heap</c> anonymous writable
/// memory (the GC heap, malloc arenas such as SQLite's caches, stacks). smaps cannot tell the GC heap from malloc.
/// </summary>
internal sealed record SmapsBreakdown(double Code, double Jit, double Files, double Heap)
{
    public static SmapsBreakdown Of(int pid)
    {
        double code = 0, jit = 0, files = 0, heap = 0;
        var kind = Kind.Heap;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var first = space > 0 ? line[..space] : line;
            if (first.Contains('-', StringComparison.Ordinal) && !first.EndsWith(':'))
            {
                kind = Classify(line);
            }
            else if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                var mib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
                switch (kind)
                {
                    case Kind.Code: code += mib; break;
                    case Kind.Jit: jit += mib; break;
                    case Kind.Files: files += mib; break;
                    default: heap += mib; break;
                }
            }
        }

        return new SmapsBreakdown(code, jit, files, heap);
    }

    // A header: "start-end perms offset dev inode [path]".
    private static Kind Classify(string header)
    {
        var fields = header.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        var perms = fields[1];
        var path = fields.Length > 5 ? fields[5].Trim() : string.Empty;
        var executable = perms.Contains('x', StringComparison.Ordinal);
        if (path.Contains("doublemapper", StringComparison.Ordinal))
        {
            return Kind.Jit;
        }

        if (path.StartsWith('/'))
        {
            return executable ? Kind.Code : Kind.Files;
        }

        return executable ? Kind.Jit : Kind.Heap;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"code {Code:F0}, JIT {Jit:F0}, files {Files:F0}, heap+native {Heap:F0}");

    private enum Kind
    {
        Code,
        Jit,
        Files,
        Heap,
    }
}

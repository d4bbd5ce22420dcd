using System.Text.RegularExpressions;
using Gateway.Tests.E2e.Lab;

namespace Gateway.Tests.E2e.Package;

/// <summary>
/// The .deb under test: artifacts/gateway_&lt;version&gt;_&lt;arch&gt;.deb as test.sh builds it before the tests, rebuilt
/// here (scripts/package.sh, minutes: a NativeAOT and a self-contained publish) only when it is missing or older
/// than a source, so a filtered run after an edit never tests a stale package.
/// </summary>
internal static partial class DebianPackage
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static async Task<string> PathAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_path is not null)
            {
                return _path;
            }

            var props = await File.ReadAllTextAsync(System.IO.Path.Combine(RepoRoot.Path, "Directory.Build.props"));
            var version = VersionElement().Match(props).Groups[1].Value;
            var arch = (await HostCommand.RunAsync("dpkg", ["--print-architecture"])).Stdout.Trim();
            var deb = System.IO.Path.Combine(RepoRoot.Path, "artifacts", $"gateway_{version}_{arch}.deb");
            if (!File.Exists(deb) || File.GetLastWriteTimeUtc(deb) < NewestSourceUtc())
            {
                var built = await HostCommand.RunAsync("bash", [System.IO.Path.Combine(RepoRoot.Path, "scripts", "package.sh")],
                    timeout: TimeSpan.FromMinutes(25));
                if (!built.Succeeded || !File.Exists(deb))
                {
                    throw new InvalidOperationException($"scripts/package.sh failed: {built}");
                }
            }

            return _path = deb;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static DateTime NewestSourceUtc()
    {
        var roots = new[] { "src", "packaging" }.Select(r => System.IO.Path.Combine(RepoRoot.Path, r));
        return roots.SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{System.IO.Path.DirectorySeparatorChar}bin{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{System.IO.Path.DirectorySeparatorChar}obj{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Append(System.IO.Path.Combine(RepoRoot.Path, "scripts", "package.sh"))
            .Max(File.GetLastWriteTimeUtc);
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}

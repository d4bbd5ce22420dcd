using System.Diagnostics;
using Microsoft.Playwright;

namespace Gateway.Tests.E2e.Ui;

/// <summary>
/// axe-core (pinned in tools/axe/package-lock.json, installed there by <c>npm ci</c> on first use and cached in
/// tools/axe/node_modules and npm's cache) run inside the page as it is drawn: the WCAG 2.0/2.1 A and AA rules and
/// axe's best practices. Each violation comes back as one line: rule, impact, help, and the first elements it hit.
/// </summary>
public static class Axe
{
    /// <summary>The rule sets checked: WCAG 2.0 and 2.1 at levels A and AA, and axe's best practices.</summary>
    public static readonly IReadOnlyList<string> Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

    private static readonly SemaphoreSlim Install = new(1, 1);

    private static string Tools => Path.Combine(Lab.RepoRoot.Path, "tools", "axe");

    private static string Script => Path.Combine(Tools, "node_modules", "axe-core", "axe.min.js");

    // Runs axe over the document minus the excluded selectors; one line per violated rule.
    private const string Run = """
        async ([tags, exclude]) => {
            const context = exclude.length > 0 ? { include: [document], exclude: exclude.map(s => [s]) } : document;
            const result = await axe.run(context, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
            return result.violations.map(v => {
                const nodes = v.nodes.slice(0, 4).map(n => {
                    const why = (n.any[0] ?? n.all[0] ?? n.none[0])?.message ?? '';
                    return `${n.target.flat().join(' >>> ')}${why ? ` (${why})` : ''}`;
                });
                return `${v.id} [${v.impact}] ${v.help} (${v.nodes.length} element${v.nodes.length === 1 ? '' : 's'}): ${nodes.join('; ')}`;
            });
        }
        """;

    /// <summary>
    /// The violations axe finds in the page as it is now. <paramref name="exclude"/> names elements a rule misjudges
    /// in context; every caller says why beside the selector.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, params string[] exclude)
    {
        await InstallAsync();
        // A fresh document (a full load, not Blazor's enhanced navigation) has lost the script: inject it again. Not as a
        // script tag (Page.AddScriptTagAsync): the panel's CSP rightly refuses inline scripts without its nonce. The
        // browser's own evaluation (the DevTools protocol) is not page script, so the CSP stays as it is for the test.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.EvaluateAsync(await File.ReadAllTextAsync(Script));
            Assert.True(await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"), $"{Script} did not define axe");
        }

        return await page.EvaluateAsync<string[]>(Run, new object[] { Tags, exclude });
    }

    /// <summary>Asserts axe finds nothing, naming every violation in the failure.</summary>
    public static async Task AssertNoViolationsAsync(IPage page, string screen, params string[] exclude)
    {
        var violations = await ViolationsAsync(page, exclude);
        Assert.True(violations.Count == 0, $"axe on {screen}:\n{string.Join('\n', violations)}");
    }

    private static async Task InstallAsync()
    {
        await Install.WaitAsync();
        try
        {
            if (File.Exists(Script))
            {
                return;
            }

            // The lock file pins the package; --prefer-offline takes it from npm's cache when it has it.
            var start = new ProcessStartInfo("npm")
            {
                WorkingDirectory = Tools,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "ci", "--prefer-offline", "--no-audit", "--no-fund" })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["NO_UPDATE_NOTIFIER"] = "1";
            using var process = Process.Start(start) ?? throw new InvalidOperationException("npm did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // A guard against a hung install, not a timing assertion.
            using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            await process.WaitForExitAsync(guard.Token);
            Assert.True(process.ExitCode == 0 && File.Exists(Script),
                $"npm ci in tools/axe failed ({process.ExitCode}); scripts/packages.sh installs nodejs and npm.\n{await stdout}\n{await stderr}");
        }
        finally
        {
            Install.Release();
        }
    }
}

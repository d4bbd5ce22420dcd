using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// Redocly CLI (pinned in tools/openapi/package-lock.json, installed there by <c>npm ci</c> on first use and cached in
/// tools/openapi/node_modules and npm's cache) lints the document the running web serves, with the rule decisions of
/// tools/openapi/redocly.yaml: no errors, and no warning that the config has not decided on.
/// </summary>
public sealed class OpenApiLintTests : IAsyncLifetime
{
    private static readonly SemaphoreSlim Install = new(1, 1);
    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Redocly_finds_no_problem_in_the_live_document()
    {
        var tools = Path.Combine(RepositoryRoot(), "tools", "openapi");
        var cli = Path.Combine(tools, "node_modules", "@redocly", "cli", "bin", "cli.js");
        await InstallAsync(tools, cli);

        using var client = _app.CreateAuthorizedClient();
        var document = Path.Combine(_app.Folder, "openapi.json");
        await File.WriteAllTextAsync(document, await client.GetStringAsync("/openapi/v1.json"));

        var (exit, stdout, stderr) = await RunAsync(tools, "node", cli, "lint", "--config", "redocly.yaml", "--format=json", document);
        using var report = JsonDocument.Parse(stdout);
        var totals = report.RootElement.GetProperty("totals");
        var problems = report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}")
            .ToList();
        Assert.True(totals.GetProperty("errors").GetInt32() == 0, string.Join('\n', problems) + stderr);
        Assert.True(totals.GetProperty("warnings").GetInt32() == 0, "decide on each warning in tools/openapi/redocly.yaml:\n" + string.Join('\n', problems));
        Assert.Equal(0, exit);
    }

    private static async Task InstallAsync(string tools, string cli)
    {
        await Install.WaitAsync();
        try
        {
            if (File.Exists(cli))
            {
                return;
            }

            // The lock file pins every package; --prefer-offline takes them from npm's cache when it has them.
            var (exit, stdout, stderr) = await RunAsync(tools, "npm", "ci", "--prefer-offline", "--no-audit", "--no-fund");
            Assert.True(exit == 0, $"npm ci in tools/openapi failed ({exit}); scripts/packages.sh installs nodejs and npm.\n{stdout}\n{stderr}");
        }
        finally
        {
            Install.Release();
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string directory, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No usage reports and no version check: the lint needs no network once the package is installed.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung install, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Gateway.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}

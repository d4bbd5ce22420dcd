using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gateway.Bench.E2e;

/// <summary>
/// <c>profile</c>: the web's CPU on its two write paths with 10k forwards + 10k MACs + 1k rules in state, each
/// traced twice: with <c>dotnet-trace</c> (the runtime's sampled managed stacks, summarised by
/// <see cref="SpeedscopeSummary"/>) and with <c>perf record -g</c> (kernel CPU samples, JIT frames named through
/// the runtime's perf map), so the shares are of CPU time, not wall clock, on a machine others may share.
/// (a) repeated 10k <c>PUT /api/v1/config</c> → applied; (b) single <c>POST /api/v1/port-forwards</c> → applied.
/// The web's CPU seconds per write (<c>/proc/pid/stat</c>) are printed beside each.
/// </summary>
internal static class ProfileBench
{
    public static async Task<int> RunAsync(BenchOptions options, string root, string agent)
    {
        var web = WebVariant.Default(root) with
        {
            Name = "profiled",
            Dll = options.WebDll is { } dll ? Path.GetFullPath(dll) : WebVariant.Default(root).Dll,
            // perf names JIT'd frames from the runtime's perf map only for code in anonymous memory: W^X keeps it in
            // a shared-memory double mapping, so it is off while profiling (the code run is the same).
            Env = new Dictionary<string, string> { ["DOTNET_PerfMapEnabled"] = "1", ["DOTNET_EnableWriteXorExecute"] = "0" },
        };
        await using var lab = await BenchLab.StartAsync(root, agent, web);
        Console.WriteLine($"(profile) lab {lab.RouterNs}, web pid {lab.WebPid}, output {lab.LogDir}");
        var (forwards, macs, rules) = (options.Forwards, options.Macs, options.Rules);
        for (var i = 0; i < 2; i++)
        {
            await RestoreAsync(lab, forwards, macs, rules); // warm-up: JIT, EF's compiled queries, caches
        }

        var port = 40000;
        await PostsAsync(lab, 10, port); // warm-up of the one-write path
        port += 10;
        foreach (var tool in options.Tools ?? ["dotnet-trace", "perf"])
        {
            var puts = Math.Max(2, options.Rounds);
            if (options.Parts.Contains('a', StringComparison.Ordinal))
            {
                await ProfileAsync(lab, root, tool, "put", $"{puts} × PUT /api/v1/config {forwards:N0} forwards + {macs:N0} MACs + {rules:N0} rules → applied", puts, async () =>
            {
                for (var i = 0; i < puts; i++)
                {
                    await RestoreAsync(lab, forwards, macs, rules);
                }
            });
            }

            if (!options.Parts.Contains('b', StringComparison.Ordinal))
            {
                continue;
            }

            var samples = options.Samples;
            var first = port;
            await ProfileAsync(lab, root, tool, "post", $"{samples} × POST /api/v1/port-forwards → applied, {forwards:N0} in state", samples, () => PostsAsync(lab, samples, first));
            port += samples;
        }

        return 0;
    }

    private static async Task ProfileAsync(BenchLab lab, string root, string tool, string name, string what, int writes, Func<Task> scenario)
    {
        var output = Path.Combine(lab.LogDir, $"{name}.{(tool == "perf" ? "perf.data" : "nettrace")}");
        var pid = lab.WebPid.ToString(CultureInfo.InvariantCulture);
        using var tracer = tool == "perf"
            ? Start("perf", "record", "-F", "1999", "-g", "-p", pid, "-o", output)
            : Start("dotnet", DotnetTrace(root), "collect", "-p", pid, "--profile", "dotnet-sampled-thread-time", "-o", output);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the session is up
        var cpu0 = ProcStat.CpuSeconds(lab.WebPid);
        var clock = Stopwatch.StartNew();
        await scenario();
        var wall = clock.Elapsed.TotalSeconds;
        var cpu = ProcStat.CpuSeconds(lab.WebPid) - cpu0;
        Shell.Run("kill", "-INT", tracer.Id.ToString(CultureInfo.InvariantCulture));
        await tracer.WaitForExitAsync();
        Console.WriteLine();
        Console.WriteLine($"## {tool}: {what}");
        Console.WriteLine($"web CPU {cpu:F2} s over {wall:F1} s wall ({cpu / writes * 1000:F1} ms of CPU per write); trace {output}");
        if (tool == "perf")
        {
            PerfReport(output);
        }
        else
        {
            Shell.Run("dotnet", DotnetTrace(root), "convert", "--format", "Speedscope", output, "-o", Path.ChangeExtension(output, null));
            SpeedscopeSummary.Print(Path.ChangeExtension(output, ".speedscope.json"), 25);
        }
    }

    /// <summary>perf's CPU samples: by library, top methods by self time, and the project's (and its data/JSON layers') methods by inclusive time.</summary>
    internal static void PerfReport(string data)
    {
        Print("by library (libcoreclr: GC, JIT, runtime; JIT'd code is the perf map)", Report(data, "--no-children", "dso", 0.5), 15);
        Print("exclusive (self)", Report(data, "--no-children", "sym", 0.3), 30);
        var inclusive = Report(data, "--children", "sym", 0.5)
            .Where(l => Interesting.Any(i => l.Contains(i, StringComparison.Ordinal)));
        Print("inclusive (children), the project's code, EF Core, SQLite, JSON", inclusive, 45);
    }

    private static readonly string[] Interesting = ["[Gateway.", "EntityFrameworkCore", "Sqlite", "sqlite3", "System.Text.Json]", "GarbageCollect", "gc_heap"];

    private static IEnumerable<string> Report(string data, string mode, string sort, double limit) =>
        Shell.Run("perf", "report", "-i", data, "--stdio", mode, "--sort", sort, "-g", "none", "--percent-limit", limit.ToString(CultureInfo.InvariantCulture))
            .Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'));

    private static void Print(string title, IEnumerable<string> lines, int top)
    {
        Console.WriteLine($"### perf, {title}; % of the web's CPU samples");
        foreach (var line in lines.Take(top))
        {
            // JIT'd frames carry their whole signature: the method name is enough here.
            var text = line.TrimEnd();
            var paren = text.IndexOf('(', StringComparison.Ordinal);
            Console.WriteLine("    " + (paren > 0 && text.Contains("::", StringComparison.Ordinal) ? text[..paren] : text));
        }
    }

    /// <summary>The local tool's dll (run directly, so that SIGINT reaches it and it closes the trace).</summary>
    private static string DotnetTrace(string root)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(root, ".config", "dotnet-tools.json")))!;
        var version = manifest["tools"]!["dotnet-trace"]!["version"]!.GetValue<string>();
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return Directory.GetFiles(Path.Combine(packages, "dotnet-trace", version, "tools"), "dotnet-trace.dll", SearchOption.AllDirectories)
            .FirstOrDefault() ?? throw new FileNotFoundException("dotnet-trace is not restored: dotnet tool restore");
    }

    private static Process Start(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    internal static async Task RestoreAsync(BenchLab lab, int forwards, int macs, int rules)
    {
        var current = (await lab.Api.GetFromJsonAsync<JsonObject>("/api/v1/config"))!;
        var text = ConfigBodies.Config(current, forwards, macs, rules).ToJsonString();
        using (var response = await lab.Api.PutAsync("/api/v1/config", new StringContent(text, System.Text.Encoding.UTF8, "application/json")))
        {
            BenchLab.Expect(response, HttpStatusCode.OK, "PUT /api/v1/config");
        }

        await lab.WaitAppliedAsync(await lab.DesiredRevisionAsync(), TimeSpan.FromMinutes(2), pollMs: 10);
    }

    private static async Task PostsAsync(BenchLab lab, int count, int firstPort)
    {
        for (var i = 0; i < count; i++)
        {
            using (var response = await lab.Api.PostAsJsonAsync("/api/v1/port-forwards", ConfigBodies.Forward(i, firstPort + i)))
            {
                BenchLab.Expect(response, HttpStatusCode.Created, "POST /api/v1/port-forwards");
            }

            await lab.WaitAppliedAsync(await lab.DesiredRevisionAsync(), TimeSpan.FromSeconds(60), pollMs: 10); // polling costs the web CPU too: not too often
        }
    }
}

using System.Globalization;

namespace Gateway.Bench.E2e;

/// <summary>
/// <c>memory</c>: the web's resident memory under different runtime settings, side by side in one run. Each variant
/// gets a fresh lab: setup over REST, RSS idle 5 s after setup; a 10k restore (forwards + MACs + rules) → applied,
/// RSS right after and 15 s later. VmRSS/VmHWM from /proc/pid/status, the split from smaps_rollup.
/// </summary>
internal static class MemoryBench
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = E2eBench.RepoRoot();
        var agent = BenchLab.ResolveAgent(root, options.Agent);
        var rows = new List<string>();
        var splits = new List<string>();
        foreach (var variant in Variants(root, options.WebDll).Where(v => options.Variants is null || options.Variants.Contains(v.Name, StringComparer.Ordinal)))
        {
            Console.WriteLine($"(memory) {variant.Name}: {variant.Dll} {string.Join(' ', variant.Env.Select(e => $"{e.Key}={e.Value}"))}");
            await using var lab = await BenchLab.StartAsync(root, agent, variant);
            await Task.Delay(TimeSpan.FromSeconds(5));
            var idle = ProcStat.Rollup(lab.WebPid);
            var idleSplit = SmapsBreakdown.Of(lab.WebPid);
            var cpu0 = ProcStat.CpuSeconds(lab.WebPid);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await ProfileBench.RestoreAsync(lab, options.Forwards, options.Macs, options.Rules);
            var applyMs = clock.Elapsed.TotalMilliseconds;
            var cpu = ProcStat.CpuSeconds(lab.WebPid) - cpu0;
            var after = ProcStat.Rollup(lab.WebPid);
            await Task.Delay(TimeSpan.FromSeconds(15));
            var settled = ProcStat.Rollup(lab.WebPid);
            var settledSplit = SmapsBreakdown.Of(lab.WebPid);
            var peak = ProcStat.Memory(lab.WebPid).Peak;
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {variant.Name} | {idle} | {after} | {settled} | {peak:F0} | {applyMs:F0} ms, web CPU {cpu * 1000:F0} ms |");
            Console.WriteLine(row);
            rows.Add(row);
            var split = $"| {variant.Name} | {idleSplit} | {settledSplit} |";
            Console.WriteLine(split);
            splits.Add(split);
        }

        Console.WriteLine();
        Console.WriteLine("| web variant | RSS MiB idle after setup | right after the 10k apply | 15 s later | peak (VmHWM) | 10k PUT → applied |");
        Console.WriteLine("|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| web variant | smaps MiB idle after setup | 15 s after the 10k apply |");
        Console.WriteLine("|---|---|---|");
        splits.ForEach(Console.WriteLine);
        return 0;
    }

    private static IEnumerable<WebVariant> Variants(string root, string? dll)
    {
        var built = dll is null ? WebVariant.Default(root) : WebVariant.Default(root) with { Dll = Path.GetFullPath(dll) };
        WebVariant With(string name, params (string Key, string Value)[] env) =>
            built with { Name = name, Env = env.ToDictionary(e => e.Key, e => e.Value) };
        yield return built;
        yield return With("TieredPGO=0", ("DOTNET_TieredPGO", "0"));
        yield return With("TC_QuickJitForLoops=0", ("DOTNET_TC_QuickJitForLoops", "0"));
        yield return With("TieredCompilation=0", ("DOTNET_TieredCompilation", "0"));
        yield return With("GCgen0size=4MiB", ("DOTNET_GCgen0size", "0x400000"));
        yield return With("GCConserveMemory=9", ("DOTNET_GCConserveMemory", "9"));
        yield return With("gcConcurrent=1", ("DOTNET_gcConcurrent", "1"));
        yield return With("GCHeapHardLimit=128MiB", ("DOTNET_GCHeapHardLimit", "0x8000000"));
        yield return With("EnableWriteXorExecute=0", ("DOTNET_EnableWriteXorExecute", "0"));
        yield return With("TieredPGO=0 + ConserveMemory=9", ("DOTNET_TieredPGO", "0"), ("DOTNET_GCConserveMemory", "9"));
        yield return With("TieredPGO=0 + ConserveMemory=9 + gen0size=4MiB", ("DOTNET_TieredPGO", "0"), ("DOTNET_GCConserveMemory", "9"), ("DOTNET_GCgen0size", "0x400000"));
        // Self-contained publishes (bench/run.sh memory builds them) run through their apphost, as the package does.
        foreach (var (name, folder) in new[] { ("self-contained", "web-sc"), ("self-contained trimmed", "web-trimmed"), ("self-contained R2R composite", "web-composite") })
        {
            var host = Path.Combine(root, "artifacts", "publish", folder, "Gateway.Web");
            if (File.Exists(host))
            {
                yield return built with { Name = name, Dll = host };
                yield return built with { Name = name + " + gen0size=4MiB", Dll = host, Env = new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000" } };
            }
        }

        var r2r = Path.Combine(root, "artifacts", "publish", "web-r2r", "Gateway.Web.dll");
        if (File.Exists(r2r))
        {
            yield return built with { Name = "ReadyToRun", Dll = r2r };
            yield return built with { Name = "ReadyToRun + TieredPGO=0", Dll = r2r, Env = new Dictionary<string, string> { ["DOTNET_TieredPGO"] = "0" } };
            yield return built with { Name = "ReadyToRun + W^X off", Dll = r2r, Env = new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" } };
        }
    }
}

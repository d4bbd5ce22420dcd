using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gateway.Bench.E2e;

/// <summary>
/// The whole path through REST on a lab: (a) a 10k restore → applied vs <c>nft -f</c> of the same table text,
/// (b) one write → applied with 1k and 10k items in state, (c) <c>wrk</c> on the forward list, (d) RSS of both
/// processes, (e) concurrent writers, (f) the agent's CPU with device accounting over 100k entries
/// (<see cref="AccountingCpu"/>). Prints a table at the end.
/// </summary>
internal sealed class E2eBench(BenchOptions options, BenchLab lab)
{
    private readonly List<string> _rows = [];

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = RepoRoot();
        var agent = BenchLab.ResolveAgent(root, options.Agent);
        Console.WriteLine();
        Console.WriteLine($"(e2e) agent: {agent}");
        var web = options.WebDll is { } dll ? WebVariant.Default(root) with { Name = dll, Dll = Path.GetFullPath(dll) } : null;
        await using var lab = await BenchLab.StartAsync(root, agent, web);
        Console.WriteLine($"      lab {lab.RouterNs}, web {lab.Url} ({lab.Web.Dll}), logs {lab.LogDir}");
        return await new E2eBench(options, lab).RunAsync();
    }

    private bool Part(char part) => options.Parts.Contains(part, StringComparison.Ordinal);

    private async Task<int> RunAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(5)); // let both settle after setup
        var idleWeb = ProcStat.Memory(lab.WebPid);
        var idleAgent = ProcStat.Memory(lab.AgentPid);
        Console.WriteLine($"(d) RSS idle after setup: web {idleWeb.Rss:F0} MiB, agent {idleAgent.Rss:F0} MiB");

        var small = options.SmallState;
        if (Part('b') || Part('c') || Part('e'))
        {
            await RestoreAsync(small, small, 0);
            Console.WriteLine($"    state: {small:N0} forwards + {small:N0} MACs");
            if (Part('b'))
            {
                await OneWriteAsync(small, 40000);
            }

            if (Part('c'))
            {
                await WrkAsync(small);
            }

            if (Part('e'))
            {
                await WritersAsync();
            }
        }

        var big = (options.Forwards, options.Macs, options.Rules);
        List<double> applied = [];
        // (d) the agent's RSS sampled every 5 ms: what it is once the apply is seen applied, and its highest after that.
        var agentWatch = new RssWatch(lab.AgentPid);
        if (Part('a') || Part('d') || Part('b') || Part('f'))
        {
            for (var round = 0; round < (Part('a') ? options.Rounds : 1); round++)
            {
                var cpu = CpuMeter.Start(lab);
                var (http, total) = await RestoreAsync(big.Forwards, big.Macs, big.Rules);
                applied.Add(total);
                Console.WriteLine($"(a) round {round + 1}: PUT /api/v1/config {Shell.Ms(http)}, applied after {Shell.Ms(total)}; CPU {cpu.PerWrite(1)}");
            }
        }

        var appliedMark = agentWatch.Mark();
        var afterWeb = ProcStat.Memory(lab.WebPid);
        var afterAgent = ProcStat.Memory(lab.AgentPid);
        await Task.Delay(TimeSpan.FromSeconds(15)); // what stays once both have settled
        var agentSinceApplied = agentWatch.After(appliedMark);
        var agentAboveGoal = agentWatch.Above(appliedMark, 64);
        await agentWatch.DisposeAsync();
        var settledWeb = ProcStat.Memory(lab.WebPid);
        var settledAgent = ProcStat.Memory(lab.AgentPid);
        if (Part('a'))
        {
            var nft = NftOfSameText();
            var put = Shell.Median(applied);
            _rows.Add($"| (a) `PUT /api/v1/config` {big.Forwards:N0} forwards + {big.Macs:N0} MACs + {big.Rules:N0} rules → applied | {Ms(put)} | `nft -f` of the same table text {Ms(nft)} | {put / nft:F1}× (goal ≤ 1.5×) |");
        }

        if (Part('d'))
        {
            _rows.Add($"| (d) RSS idle after setup (peak so far) | web {idleWeb.Rss:F0} MiB ({idleWeb.Peak:F0}), agent {idleAgent.Rss:F0} MiB ({idleAgent.Peak:F0}) | | goal web ≤ 90, agent ≤ 20 |");
            _rows.Add($"| (d) RSS right after the {big.Forwards / 1000:N0}k apply (peak); 15 s later | web {afterWeb.Rss:F0} MiB ({afterWeb.Peak:F0}); {settledWeb.Rss:F0} MiB — agent {afterAgent.Rss:F0} MiB ({afterAgent.Peak:F0}); {settledAgent.Rss:F0} MiB | | goal web ≤ 160, agent ≤ 64 |");
            Console.WriteLine($"(d) agent RSS sampled every 5 ms from the moment the {big.Forwards / 1000:N0}k apply is seen applied: first {agentSinceApplied.First:F0} MiB, highest over the next 15 s {agentSinceApplied.Max:F0} MiB, {agentSinceApplied.MaxAt.TotalSeconds:F2} s after; above 64 MiB for {agentAboveGoal.TotalSeconds:F2} s in all ({agentSinceApplied.Count} samples)");
            _rows.Add($"| (d) agent RSS from the moment the {big.Forwards / 1000:N0}k apply is seen applied (sampled every 5 ms for 15 s) | first sample {agentSinceApplied.First:F0} MiB, highest {agentSinceApplied.Max:F0} MiB ({agentSinceApplied.MaxAt.TotalSeconds:F1} s after; above 64 MiB for {agentAboveGoal.TotalSeconds:F2} s) | | goal ≤ 64 at every moment |");
        }

        if (Part('b'))
        {
            await OneWriteAsync(big.Forwards, 45000);
        }

        if (Part('f'))
        {
            _rows.AddRange(await new AccountingCpu(options, lab).RunAsync());
        }

        Console.WriteLine();
        Console.WriteLine("| figure | Gateway | comparison | |");
        Console.WriteLine("|---|---|---|---|");
        _rows.ForEach(Console.WriteLine);
        return 0;
    }

    /// <summary>PUT /api/v1/config and wait for the apply: (HTTP request ms, until applied ms).</summary>
    private async Task<(double Http, double Total)> RestoreAsync(int forwards, int macs, int rules)
    {
        var current = (await lab.Api.GetFromJsonAsync<JsonObject>("/api/v1/config"))!;
        var body = ConfigBodies.Config(current, forwards, macs, rules);
        var text = body.ToJsonString();
        var clock = Stopwatch.StartNew();
        using (var response = await lab.Api.PutAsync("/api/v1/config", new StringContent(text, System.Text.Encoding.UTF8, "application/json")))
        {
            BenchLab.Expect(response, HttpStatusCode.OK, "PUT /api/v1/config");
        }

        var http = clock.Elapsed.TotalMilliseconds;
        await lab.WaitAppliedAsync(await lab.DesiredRevisionAsync(), TimeSpan.FromMinutes(2), pollMs: 10);
        return (http, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>(b) POST one forward, then poll status until it is applied; p50/p95 over the samples.</summary>
    private async Task OneWriteAsync(int state, int firstPort)
    {
        var cpu = CpuMeter.Start(lab);
        var times = new List<double>();
        for (var i = 0; i < options.Samples; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var response = await lab.Api.PostAsJsonAsync("/api/v1/port-forwards", ConfigBodies.Forward(i, firstPort + i)))
            {
                BenchLab.Expect(response, HttpStatusCode.Created, "POST /api/v1/port-forwards");
            }

            await lab.WaitAppliedAsync(await lab.DesiredRevisionAsync(), TimeSpan.FromSeconds(60), pollMs: 2);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"(b) one POST → applied, {state:N0} in state: [{string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}] ms");
        var perWrite = cpu.PerWrite(times.Count);
        Console.WriteLine($"(b) CPU per write (the status polling included): {perWrite}");
        var goal = state <= 1000 ? 30 : 60;
        _rows.Add($"| (b) one `POST /api/v1/port-forwards` → applied, {state:N0} forwards + {state:N0} MACs in state ({times.Count} writes) | p50 {Ms(Percentile(times, 50))}, p95 {Ms(Percentile(times, 95))} | CPU per write: {perWrite} | goal p95 ≤ {goal} ms |");
    }

    /// <summary>(c) wrk on GET /api/v1/port-forwards, plain and (if the server sends ETags) with If-None-Match.</summary>
    private async Task WrkAsync(int state)
    {
        var url = lab.Url + "/api/v1/port-forwards";
        var auth = $"Authorization: Bearer {lab.Token}";
        var plain = Wrk(url, auth);
        using var response = await lab.Api.GetAsync("/api/v1/port-forwards");
        var etag = response.Headers.ETag?.ToString();
        var count = (await response.Content.ReadFromJsonAsync<JsonArray>())!.Count;
        var conditional = etag is null ? "no ETag sent" : $"with If-None-Match {Wrk(url, auth, $"If-None-Match: {etag}"):N0} req/s";
        Console.WriteLine($"(c) wrk GET port-forwards ({count:N0} items): {plain:N0} req/s; {conditional}");
        _rows.Add($"| (c) `GET /api/v1/port-forwards`, {count:N0} items, `wrk -t2 -c16 -d{options.WrkSeconds}s` | {plain:N0} req/s | {conditional} | goal ≥ 3,000 req/s |");
    }

    private double Wrk(string url, params string[] headers)
    {
        var args = new List<string> { "-t2", "-c16", $"-d{options.WrkSeconds}s" };
        foreach (var header in headers)
        {
            args.AddRange(["-H", header]);
        }

        args.Add(url);
        var output = Shell.Run("wrk", [.. args]);
        var line = output.Split('\n').First(l => l.StartsWith("Requests/sec:", StringComparison.Ordinal));
        var errors = output.Split('\n').FirstOrDefault(l => l.Contains("Non-2xx", StringComparison.Ordinal));
        if (errors is not null)
        {
            Console.WriteLine($"    wrk: {errors.Trim()}");
        }

        return double.Parse(line["Requests/sec:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>(e) N writers × M writes at once: create forward, edit it, create a MAC, delete the forward, …</summary>
    private async Task WritersAsync()
    {
        var latencies = new List<double>[options.Writers];
        var serverErrors = 0;
        var otherErrors = 0;
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, options.Writers).Select(w => Task.Run(async () =>
        {
            using var client = lab.CreateClient();
            var mine = latencies[w] = [];
            await start.WaitAsync();
            var forwardId = 0;
            for (var j = 0; j < options.WritesEach; j++)
            {
                var port = 50000 + (w * 1000) + (j / 4);
                var clock = Stopwatch.StartNew();
                using var response = (j % 4) switch
                {
                    0 => await client.PostAsJsonAsync("/api/v1/port-forwards", ConfigBodies.Forward(w, port)),
                    1 => await client.PutAsJsonAsync($"/api/v1/port-forwards/{forwardId}", ConfigBodies.Forward(w, port, internalPort: 8080)),
                    2 => await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = ConfigBodies.Mac(0x100000 + (w * 1000) + j), name = $"writer {w}" }),
                    _ => await client.DeleteAsync($"/api/v1/port-forwards/{forwardId}"),
                };
                mine.Add(clock.Elapsed.TotalMilliseconds);
                if ((int)response.StatusCode >= 500)
                {
                    Interlocked.Increment(ref serverErrors);
                }
                else if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref otherErrors);
                }
                else if (j % 4 == 0)
                {
                    forwardId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>();
                }
            }
        })).ToList();
        var cpu = CpuMeter.Start(lab);
        var wall = Stopwatch.StartNew();
        start.Release(options.Writers);
        await Task.WhenAll(tasks);
        var seconds = wall.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        var perWrite = cpu.PerWrite(all.Count);
        Console.WriteLine($"(e) {options.Writers} writers × {options.WritesEach}: {all.Count / seconds:F0} writes/s, p50 {Ms(Percentile(all, 50))}, p95 {Ms(Percentile(all, 95))}, max {Ms(all.Max())}, 5xx {serverErrors}, other errors {otherErrors}; CPU per write {perWrite}");
        _rows.Add($"| (e) {options.Writers} concurrent writers × {options.WritesEach} mixed writes ({options.SmallState:N0} in state) | {all.Count / seconds:F0} writes/s, p50 {Ms(Percentile(all, 50))}, **p95 {Ms(Percentile(all, 95))}, max {Ms(all.Max())}**, 5xx: {serverErrors} (4xx: {otherErrors}) | CPU per write: {perWrite} | goal p95 ≤ 50 ms, max ≤ 250 ms, no 5xx |");
        await lab.WaitAppliedAsync(await lab.DesiredRevisionAsync(), TimeSpan.FromMinutes(1));
    }

    /// <summary>(a) The router's table as listed, loaded with nft -f into a scratch namespace (replace script), median.</summary>
    private double NftOfSameText()
    {
        var text = Shell.Run("ip", "netns", "exec", lab.RouterNs, "nft", "-s", "list", "table", "inet", "gateway");
        var scratch = $"gwbench-{Environment.ProcessId}-scratch";
        var path = Path.Combine(lab.StateDir, "table.nft");
        File.WriteAllText(path, "add table inet gateway\ndelete table inet gateway\n" + text);
        Shell.Run("ip", "netns", "add", scratch);
        try
        {
            Shell.Run("ip", "netns", "exec", scratch, "nft", "-f", path); // warm-up: module loads
            var times = new List<double>();
            for (var i = 0; i < options.Rounds; i++)
            {
                var clock = Stopwatch.StartNew();
                Shell.Run("ip", "netns", "exec", scratch, "nft", "-f", path);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"(a) nft -f of the listed table ({text.Length / 1024:N0} KiB) in a scratch namespace: [{string.Join(", ", times.Select(Shell.Ms))}]");
            return Shell.Median(times);
        }
        finally
        {
            Shell.Run("ip", "netns", "del", scratch);
        }
    }

    private static string Ms(double value) => value >= 1000
        ? (value / 1000).ToString("F2", CultureInfo.InvariantCulture) + " s"
        : value.ToString("F0", CultureInfo.InvariantCulture) + " ms";

    private static double Percentile(List<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    internal static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}

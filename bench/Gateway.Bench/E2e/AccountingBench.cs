using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gateway.Bench.E2e;

/// <summary>
/// <c>accounting</c>: per-device accuracy on a fresh lab. lan1 (192.168.50.10) runs iperf3 to the WAN host, then
/// iperf3 -R, then 300 short TCP connections (700 bytes each way, closed with a reset); after each phase the byte
/// growth the web reports for lan1's MAC (GET /api/v1/devices, once it has settled) is printed beside an
/// independent count of the same packets: two nft counters in a table of the bench's own in the router
/// (<c>table inet bench_forwarded</c>, forward hook at priority -300, IP bytes, never <c>table inet gateway</c>),
/// and the error in %.
/// </summary>
internal static partial class AccountingBench
{
    private const string Lan1Ip = "192.168.50.10";
    private const string Lan1Mac = "02:50:00:00:00:0a";
    private const string WanIp = "203.0.113.2";
    private const string Table = "bench_forwarded";
    private const int EchoPort = 7701;
    private const int IperfSeconds = 3;
    private const int ShortConnections = 300;

    /// <summary>Totals unchanged this long count as settled: over two of the web's 5 s polls of the agent, which dumps every 2 s.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(11);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = E2eBench.RepoRoot();
        var agent = BenchLab.ResolveAgent(root, options.Agent);
        Console.WriteLine();
        Console.WriteLine($"(accounting) agent: {agent}");
        await using var lab = await BenchLab.StartAsync(root, agent);
        Console.WriteLine($"      lab {lab.RouterNs}, web {lab.Url}, logs {lab.LogDir}");

        // Short TCP close timeouts in the router (as the e2e accuracy test has them): a short connection's entry then
        // ends, and its DESTROY event carries its final counters, before the next dump sees it, the hard case.
        Shell.Run("ip", "netns", "exec", lab.RouterNs, "sysctl", "-qw",
            "net.netfilter.nf_conntrack_tcp_timeout_time_wait=1", "net.netfilter.nf_conntrack_tcp_timeout_close=1",
            "net.netfilter.nf_conntrack_tcp_timeout_fin_wait=1", "net.netfilter.nf_conntrack_tcp_timeout_last_ack=1");
        using var echo = StartEchoServer(lab);
        try
        {
            return await MeasureAsync(lab);
        }
        finally
        {
            echo.Kill();
        }
    }

    private static async Task<int> MeasureAsync(BenchLab lab)
    {
        // lan1 becomes a device the accountant knows (a neighbour of the router) before anything is counted.
        Shell.Run("ip", "netns", "exec", lab.Lan1Ns, "ping", "-c", "1", "-W", "2", WanIp);
        await WaitListedAsync(lab, TimeSpan.FromSeconds(60));
        CreateCounters(lab);
        var phases = new List<(string Name, (long Rx, long Tx) Web, (long Rx, long Tx) Nft)>();
        var (web, nft) = (await SettledAsync(lab), ReadCounters(lab));
        var (web0, nft0) = (web, nft);
        async Task PhaseAsync(string name, Action traffic)
        {
            var clock = Stopwatch.StartNew();
            traffic();
            var took = clock.Elapsed.TotalSeconds;
            var settled = await SettledAsync(lab);
            var counted = ReadCounters(lab);
            Console.WriteLine($"(accounting) {name}: traffic {took:F1} s, settled {clock.Elapsed.TotalSeconds - took:F1} s later");
            phases.Add((name, Minus(settled, web), Minus(counted, nft)));
            (web, nft) = (settled, counted);
        }

        await PhaseAsync($"iperf3 lan1 → WAN, {IperfSeconds} s", () => Iperf(lab, reverse: false));
        await PhaseAsync($"iperf3 -R WAN → lan1, {IperfSeconds} s", () => Iperf(lab, reverse: true));
        await PhaseAsync($"{ShortConnections} short TCP connections", () => ShortTcp(lab));
        phases.Add(("all of it", Minus(web, web0), Minus(nft, nft0)));

        var metrics = await lab.Api.GetStringAsync("/metrics");
        var resyncs = ResyncsPattern().Match(metrics) is { Success: true } m ? m.Groups[1].Value : "?";
        Console.WriteLine();
        Console.WriteLine($"Accounting accuracy, lan1 ({Lan1Mac}): GET /api/v1/devices growth beside nft counters in `table inet {Table}` (IP bytes); resyncs after lost events: {resyncs}");
        Console.WriteLine();
        Console.WriteLine("| traffic | direction | Gateway (web) bytes | nft counter bytes | error |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var (name, w, n) in phases)
        {
            Console.WriteLine($"| {name} | rx (to lan1) | {w.Rx:N0} | {n.Rx:N0} | {Error(w.Rx, n.Rx)} |");
            Console.WriteLine($"| {name} | tx (from lan1) | {w.Tx:N0} | {n.Tx:N0} | {Error(w.Tx, n.Tx)} |");
        }

        Console.WriteLine("goal: within ±1 % (issue 20: \"within 1 % of an independent nft counter of the same traffic, in IP bytes\")");
        return 0;
    }

    private static (long Rx, long Tx) Minus((long Rx, long Tx) a, (long Rx, long Tx) b) => (a.Rx - b.Rx, a.Tx - b.Tx);

    private static string Error(long gateway, long nft) => nft == 0
        ? (gateway == 0 ? "0 %" : "n/a (nft 0)")
        : ((gateway - nft) * 100.0 / nft).ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) + " %";

    /// <summary>An echo server in the WAN host (Debian's python3): each connection gets back what it sends.</summary>
    private static Process StartEchoServer(BenchLab lab)
    {
        const string script = """
            import socket, threading
            server = socket.socket()
            server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            server.bind(('0.0.0.0', PORT))
            server.listen(512)
            def serve(c):
                try:
                    while True:
                        data = c.recv(65536)
                        if not data:
                            break
                        c.sendall(data)
                except OSError:
                    pass
                finally:
                    c.close()
            while True:
                c, _ = server.accept()
                threading.Thread(target=serve, args=(c,), daemon=True).start()
            """;
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", lab.WanNs, "/usr/bin/python3", "-c", script.Replace("PORT", EchoPort.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    /// <summary>One iperf3 run from lan1 (a one-shot daemon server in the WAN host); the client retries until it listens.</summary>
    private static void Iperf(BenchLab lab, bool reverse)
    {
        Shell.Run("ip", "netns", "exec", lab.WanNs, "iperf3", "-s", "-1", "-D", "-p", "5201", "--logfile", "/dev/null");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                string[] args = ["netns", "exec", lab.Lan1Ns, "iperf3", "-c", WanIp, "-p", "5201", "-t", IperfSeconds.ToString(CultureInfo.InvariantCulture)];
                var output = Shell.Run("ip", reverse ? [.. args, "-R"] : args);
                var receiver = output.Split('\n').LastOrDefault(l => l.Contains("receiver", StringComparison.Ordinal))?.Trim();
                Console.WriteLine($"    iperf3{(reverse ? " -R" : "")}: {receiver}");
                return;
            }
            catch (InvalidOperationException) when (attempt < 30)
            {
                Thread.Sleep(500);
            }
        }
    }

    /// <summary>The short connections from lan1 to the echo server: 700 bytes and a newline each way, then a reset.</summary>
    private static void ShortTcp(BenchLab lab)
    {
        var script = $$"""
            import socket, struct, time
            for i in range({{ShortConnections}}):
                for attempt in range(100):
                    try:
                        s = socket.create_connection(('{{WanIp}}', {{EchoPort}}), timeout=5)
                        break
                    except ConnectionRefusedError:
                        time.sleep(0.1)
                s.sendall(b'x' * 700 + b'\n')
                got = 0
                while got < 701:
                    data = s.recv(4096)
                    if not data:
                        break
                    got += len(data)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                s.close()
            """;
        Shell.Run("ip", "netns", "exec", lab.Lan1Ns, "/usr/bin/python3", "-c", script);
    }

    private static void CreateCounters(BenchLab lab)
    {
        var path = Path.Combine(lab.StateDir, "counters.nft");
        File.WriteAllText(path, $$"""
            table inet {{Table}} {
                counter rx { }
                counter tx { }
                chain forward {
                    type filter hook forward priority -300; policy accept;
                    ip saddr {{Lan1Ip}} counter name "tx"
                    ip daddr {{Lan1Ip}} counter name "rx"
                }
            }

            """);
        Shell.Run("ip", "netns", "exec", lab.RouterNs, "nft", "-f", path);
    }

    private static (long Rx, long Tx) ReadCounters(BenchLab lab)
    {
        long Bytes(string name) => long.Parse(
            BytesPattern().Match(Shell.Run("ip", "netns", "exec", lab.RouterNs, "nft", "list", "counter", "inet", Table, name)).Groups[1].Value,
            CultureInfo.InvariantCulture);
        return (Bytes("rx"), Bytes("tx"));
    }

    /// <summary>lan1's totals from GET /api/v1/devices, null while it is not listed.</summary>
    private static async Task<(long Rx, long Tx)?> TotalsAsync(BenchLab lab)
    {
        var device = (await lab.Api.GetFromJsonAsync<JsonArray>("/api/v1/devices"))!
            .Select(d => d!.AsObject())
            .FirstOrDefault(d => string.Equals(d["mac"]!.GetValue<string>(), Lan1Mac, StringComparison.OrdinalIgnoreCase));
        return device?["traffic"] is JsonObject traffic ? ((long, long)?)(traffic["rxBytes"]!.GetValue<long>(), traffic["txBytes"]!.GetValue<long>()) : null;
    }

    private static async Task WaitListedAsync(BenchLab lab, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (await TotalsAsync(lab) is null)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"lan1 ({Lan1Mac}) not listed by GET /api/v1/devices after {timeout.TotalSeconds:F0} s");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>lan1's totals once they have stayed the same for <see cref="Settle"/> (read every second; at most 2 min).</summary>
    private static async Task<(long Rx, long Tx)> SettledAsync(BenchLab lab)
    {
        var clock = Stopwatch.StartNew();
        var last = await TotalsAsync(lab) ?? (0, 0);
        var since = clock.Elapsed;
        while (clock.Elapsed - since < Settle)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"lan1's totals never settled: {last}");
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = await TotalsAsync(lab) ?? (0, 0);
            if (now != last)
            {
                (last, since) = (now, clock.Elapsed);
            }
        }

        return last;
    }

    [GeneratedRegex(@"bytes (\d+)")]
    private static partial Regex BytesPattern();

    [GeneratedRegex(@"gateway_device_accounting_resyncs_total (\d+)")]
    private static partial Regex ResyncsPattern();
}

using System.Diagnostics;
using Gateway.Agent.Connections;
using Gateway.Agent.Netlink;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Bench;

/// <summary>
/// (g) The connections page over N synthetic entries (<see cref="ConntrackFill"/>): the first page of 100
/// unfiltered, filtered by address (one host's entries, the stream filter) and by ct mark (the kernel filter),
/// beside <c>conntrack -L | grep</c> for the same address; p50 and p95 of the rounds, and the process's peak
/// working set growth while paging.
/// </summary>
internal static class ConnectionsBench
{
    public static int Run(BenchOptions options)
    {
        var applied = new NftApplier().Replace(RulesetCompiler.Compile(ApplyBench.BuildConfig(10, 0)));
        if (!applied.Ok)
        {
            Console.Error.WriteLine(applied.Error);
            return 1;
        }

        ConntrackSwitches.TurnOn();
        var fill = Stopwatch.StartNew();
        ConntrackFill.Fill(options.Entries);
        Console.WriteLine();
        Console.WriteLine($"(g) connections page: {options.Entries:N0} entries inserted in {fill.Elapsed.TotalSeconds:F1} s; load {File.ReadAllText("/proc/loadavg").Trim()}");

        // Entry 77 is 10.0.0.77 (one entry); a tenth carry ct mark 5.
        var cases = new (string Name, ListConnectionsRequest Request)[]
        {
            ("unfiltered, first 100", new ListConnectionsRequest()),
            ("address=10.0.0.77 (kernel, 4 dumps)", new ListConnectionsRequest(Address: "10.0.0.77")),
            ("mark 5 (kernel filter), first 100", new ListConnectionsRequest(Mark: 5)),
            ("tcp, port 1101, first 100", new ListConnectionsRequest(Protocol: "tcp", Port: 1101)),
        };
        var devices = DeviceMap.From([], []);
        using var socket = new NetlinkSocket();
        var status = 0;
        var before = Environment.WorkingSet;
        foreach (var (name, request) in cases)
        {
            var query = ConnectionQuery.From(request, out _)!;
            ConnectionLister.List(socket, query, devices, DateTimeOffset.UtcNow); // warm-up
            var times = new List<double>();
            long total = 0;
            for (var round = 0; round < options.Rounds; round++)
            {
                var clock = Stopwatch.StartNew();
                total = ConnectionLister.List(socket, query, devices, DateTimeOffset.UtcNow).Total;
                times.Add(clock.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine($"    {name,-40} p50 {Shell.Ms(Percentile(times, 50))}  p95 {Shell.Ms(Percentile(times, 95))}  (matched {total:N0})");
            status |= total > 0 ? 0 : 1;
        }

        var grep = new List<double>();
        for (var round = 0; round < options.Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            Shell.Run("sh", "-c", "conntrack -L 2>/dev/null | grep -F 'src=10.0.0.77 ' >/dev/null");
            grep.Add(clock.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"    {"conntrack -L | grep 10.0.0.77",-40} p50 {Shell.Ms(Percentile(grep, 50))}  p95 {Shell.Ms(Percentile(grep, 95))}");
        Console.WriteLine($"    working set growth while paging: {(Environment.WorkingSet - before) / 1024.0 / 1024.0:F1} MB");
        return status;
    }

    private static double Percentile(List<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

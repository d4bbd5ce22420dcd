using System.Globalization;
using System.Text.Json;

namespace Gateway.Bench.E2e;

/// <summary>
/// Top-N hot methods of a <c>dotnet-trace convert --format Speedscope</c> file, exclusive and inclusive. The
/// runtime's sampler records every managed thread, blocked or not, so samples whose thread sits in a wait (native
/// code under a known waiting method) are set aside: the rest approximates CPU time. Native code under other
/// methods (SQLite, the GC, syscalls doing work) stays in, named after the method that called it.
/// </summary>
internal static class SpeedscopeSummary
{
    private static readonly string[] Waits =
    [
        "WaitForSignal", "WaitForSocketEvents", "Monitor.Wait", "WaitHandle.Wait", "Thread.Sleep", "WaitOneCore",
        "WaitNative", "WaitOneNoCheck", "LowLevelLifoSemaphore", "SpinWait", "Interop+Sys.Poll", "epoll",
        "WaitSubsystem", "Interop+Sys.WaitIdAnyExitedNoHangNoWait", "Interop+Sys.Read(", "Interop+Sys.ReadStdin", "TimerQueue.TimerThread",
        "LowLevelMonitor.Wait", "PortableThreadPool+GateThread.GateThreadStart", "ManualResetEventSlim.Wait",
        "SocketAsyncEngine.EventLoop", "ConsoleLoggerProcessor.TryDequeue", "Heartbeat.TimerLoop", "?!?",
    ];

    public static void Print(string path, int top)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var frames = doc.RootElement.GetProperty("shared").GetProperty("frames").EnumerateArray()
            .Select(f => f.GetProperty("name").GetString() ?? "?").ToArray();
        var exclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        var inclusive = new Dictionary<string, double>(StringComparer.Ordinal);
        double busy = 0, blocked = 0;
        foreach (var profile in doc.RootElement.GetProperty("profiles").EnumerateArray())
        {
            var stack = new List<int>();
            double? last = null;
            foreach (var e in profile.GetProperty("events").EnumerateArray())
            {
                var at = e.GetProperty("at").GetDouble();
                if (last is { } from && stack.Count > 0 && at > from)
                {
                    var span = at - from;
                    if (IsWaiting(stack, frames))
                    {
                        blocked += span;
                    }
                    else
                    {
                        busy += span;
                        var leaf = Leaf(stack, frames);
                        exclusive[leaf] = exclusive.GetValueOrDefault(leaf) + span;
                        foreach (var name in stack.Select(f => frames[f]).Distinct())
                        {
                            inclusive[name] = inclusive.GetValueOrDefault(name) + span;
                        }
                    }
                }

                last = at;
                var frame = e.GetProperty("frame").GetInt32();
                if (e.GetProperty("type").GetString() == "O")
                {
                    stack.Add(frame);
                }
                else if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.LastIndexOf(frame) is var i and >= 0 ? i : stack.Count - 1);
                }
            }
        }

        Console.WriteLine($"### dotnet-trace: {busy:F0} ms of thread samples not in a wait ({blocked:F0} ms waiting set aside); % of the former");
        Table("exclusive (self; native time named after its managed caller)", exclusive, busy, top);
        Table("inclusive", inclusive, busy, top * 2);
    }

    private static void Table(string title, Dictionary<string, double> times, double total, int top)
    {
        Console.WriteLine($"#### {title}");
        foreach (var (name, ms) in times.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine($"    {(ms / total * 100).ToString("F1", CultureInfo.InvariantCulture),5} %  {Short(name)}");
        }
    }

    private static string Leaf(List<int> stack, string[] frames)
    {
        // The sampler puts CPU_TIME (managed code running) or UNMANAGED_CODE_TIME on top of the real frames.
        var leaf = frames[stack[^1]];
        return stack.Count < 2 ? leaf
            : leaf.Contains("UNMANAGED_CODE_TIME", StringComparison.Ordinal) ? "native under " + frames[stack[^2]]
            : leaf.Contains("CPU_TIME", StringComparison.Ordinal) ? frames[stack[^2]]
            : leaf;
    }

    private static bool IsWaiting(List<int> stack, string[] frames)
    {
        // The innermost few frames decide: a thread parked in a wait shows the waiting method near the top.
        for (var i = stack.Count - 1; i >= Math.Max(0, stack.Count - 4); i--)
        {
            var name = frames[stack[i]];
            if (Waits.Any(w => name.Contains(w, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Short(string name)
    {
        var paren = name.IndexOf('(', StringComparison.Ordinal);
        var text = paren > 0 ? name[..paren] : name;
        return text.Length > 150 ? text[..150] : text;
    }
}

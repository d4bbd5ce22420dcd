using System.Globalization;

namespace Gateway.Bench;

/// <summary>
/// Command line: benchmarks (<c>apply</c>, <c>conntrack</c>, <c>e2e</c>; all when none is named) and sizes.
/// <c>--parts abcdef</c> picks the end-to-end figures to measure.
/// </summary>
internal sealed record BenchOptions(
    int Rounds, int Forwards, int Macs, int Entries, IReadOnlyList<string> Benchmarks, string? Inside,
    int Rules = 1000, int SmallState = 1000, int Samples = 40, int Writers = 10, int WritesEach = 100,
    int WrkSeconds = 10, string Parts = "abcdef", string? Agent = null, int HoldSeconds = 0,
    IReadOnlyList<string>? Variants = null, IReadOnlyList<string>? Tools = null, string? WebDll = null)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(7, 10_000, 10_000, 100_000, [], null);
        var benches = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            int Next() => int.Parse(args[++i], CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--rounds" => o with { Rounds = Next() },
                "--forwards" => o with { Forwards = Next() },
                "--macs" => o with { Macs = Next() },
                "--rules" => o with { Rules = Next() },
                "--entries" => o with { Entries = Next() },
                "--small" => o with { SmallState = Next() },
                "--samples" => o with { Samples = Next() },
                "--writers" => o with { Writers = Next() },
                "--writes" => o with { WritesEach = Next() },
                "--wrk-seconds" => o with { WrkSeconds = Next() },
                "--parts" => o with { Parts = args[++i] },
                "--agent" => o with { Agent = args[++i] },
                "--hold" => o with { HoldSeconds = Next() },
                "--web" => o with { WebDll = args[++i] },
                "--tools" => o with { Tools = args[++i].Split(',') },
                "--variants" => o with { Variants = args[++i].Split(',') },
                "--inside" => o with { Inside = args[++i] },
                "apply" or "conntrack" or "connections" or "e2e" or "profile" or "memory" or "accounting" => Add(o, benches, args[i]),
                _ => throw new ArgumentException($"Unknown argument {args[i]}"),
            };
        }

        return o with { Benchmarks = benches.Count == 0 ? ["apply", "conntrack", "e2e"] : benches };
    }

    private static BenchOptions Add(BenchOptions o, List<string> benches, string name)
    {
        benches.Add(name);
        return o;
    }
}

using System.Globalization;

namespace Gateway.Bench;

internal sealed record BenchOptions(int Rounds, int Forwards, int Macs, int Entries, IReadOnlyList<string> Benchmarks, string? Inside)
{
    public static BenchOptions Parse(string[] args)
    {
        int rounds = 7, forwards = 10_000, macs = 10_000, entries = 30_000;
        string? inside = null;
        var benches = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--forwards": forwards = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--macs": macs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--entries": entries = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--inside": inside = args[++i]; break;
                case "apply" or "conntrack": benches.Add(args[i]); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}");
            }
        }

        return new BenchOptions(rounds, forwards, macs, entries, benches.Count == 0 ? ["apply", "conntrack"] : benches, inside);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// Counts packets that arrive at a lab host (not the router): a table of the test's own in that host's
/// namespace with one input rule and a counter. It sees what a capture would, without a capture's cost, so
/// it can count a SYN flood or prove that not one spoofed packet got through.
/// </summary>
public sealed partial class NsPacketCounter : IAsyncDisposable
{
    private readonly Lab _lab;
    private readonly string _ns;
    private readonly string _table;

    private NsPacketCounter(Lab lab, string ns, string table)
    {
        _lab = lab;
        _ns = ns;
        _table = table;
    }

    /// <summary>Counts incoming packets that match the nft expression <paramref name="match"/> (e.g. "udp dport 5300").</summary>
    public static async Task<NsPacketCounter> CreateAsync(Lab lab, string ns, string name, string match)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException("A counter name is letters, digits and underscores.", nameof(name));
        }

        var table = $"e2e_{name}";
        var script = $"table inet {table} {{\n"
            + "\tcounter seen { }\n"
            + "\tchain input {\n"
            + "\t\ttype filter hook input priority -300; policy accept;\n"
            + $"\t\t{match} counter name \"seen\"\n"
            + "\t}\n"
            + "}\n";
        var result = await lab.ExecAsync(ns, $"nft -f - <<'NFT'\n{script}NFT");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create the counter in {ns}: {result}");
        }

        return new NsPacketCounter(lab, ns, table);
    }

    public async Task<long> PacketsAsync()
    {
        var result = await _lab.ExecAsync(_ns, $"nft list counter inet {_table} seen");
        var match = PacketsPattern().Match(result.Stdout);
        if (!result.Succeeded || !match.Success)
        {
            throw new InvalidOperationException($"Could not read the counter in {_ns}: {result}");
        }

        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _lab.ExecAsync(_ns, $"nft delete table inet {_table}");

    [GeneratedRegex("^[A-Za-z0-9_]{1,40}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"packets (\d+)")]
    private static partial Regex PacketsPattern();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// An independent count of what the router forwards for one LAN address, in IP bytes: a table of the test's own in
/// the router's namespace (never <c>table inet gateway</c>) with a forward hook ahead of everything and two named
/// counters, rx (to the address) and tx (from it).
/// </summary>
public sealed partial class ForwardCounter : IAsyncDisposable
{
    private const string Table = "e2e_forwarded";
    private readonly Lab _lab;

    private ForwardCounter(Lab lab) => _lab = lab;

    public static async Task<ForwardCounter> CreateAsync(Lab lab, string address)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var script = $"table inet {Table} {{\n"
            + "\tcounter rx { }\n"
            + "\tcounter tx { }\n"
            + "\tchain forward {\n"
            + "\t\ttype filter hook forward priority -300; policy accept;\n"
            + $"\t\tip saddr {address} counter name \"tx\"\n"
            + $"\t\tip daddr {address} counter name \"rx\"\n"
            + "\t}\n"
            + "}\n";
        var result = await lab.ExecAsync(lab.RouterNs, $"nft -f - <<'NFT'\n{script}NFT");
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create the forward counter: {result}");
        }

        return new ForwardCounter(lab);
    }

    /// <summary>Bytes to and from the address since the table was made.</summary>
    public async Task<(long Rx, long Tx)> ReadAsync() => (await BytesAsync("rx"), await BytesAsync("tx"));

    private async Task<long> BytesAsync(string name)
    {
        var result = await _lab.ExecAsync(_lab.RouterNs, $"nft list counter inet {Table} {name}");
        var match = BytesPattern().Match(result.Stdout);
        if (!result.Succeeded || !match.Success)
        {
            throw new InvalidOperationException($"Could not read the forward counter: {result}");
        }

        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _lab.ExecAsync(_lab.RouterNs, $"nft delete table inet {Table}");

    [GeneratedRegex(@"bytes (\d+)")]
    private static partial Regex BytesPattern();
}

using Gateway.Shared.Config;

namespace Gateway.Agent.Nft;

/// <summary>
/// Keeps the MAC pinhole sets of the applied config filled from the neighbour table (<see cref="PinholeSync"/>):
/// in full after a rebuild (a new table's sets are empty), only what changed after element updates and between
/// applies. A sync between table writes commits too, so it goes through <see cref="WrittenTableWatch.CommitOwn"/>.
/// Does nothing without a <paramref name="pinholes"/> (tests that only look at the table).
/// </summary>
public sealed class PinholeFill(PinholeSync? pinholes, WrittenTableWatch watch)
{
    public bool Enabled => pinholes is not null;

    /// <summary>With a table write (before <see cref="WrittenTableWatch.Wrote"/>): full after a rebuild.</summary>
    public void WithWrite(GatewayConfig config, bool rebuilt) => pinholes?.Sync(config, full: rebuilt);

    /// <summary>Between table writes (an apply that changed nothing, or a neighbour change).</summary>
    public void BetweenWrites(GatewayConfig config, bool full)
    {
        if (pinholes is null)
        {
            return;
        }

        watch.CommitOwn(() => pinholes.Sync(config, full).Count > 0);
    }
}

using Gateway.Agent.Nft;

namespace Gateway.Agent.Ipc;

/// <summary>The ruleset view's text: the table as the kernel lists it, and below it the ip rules, routes and addresses the agent owns beyond it.</summary>
public static class RulesetText
{
    public static async Task<string> ReadAsync(NftApplier applier, RulesetManager rulesets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applier);
        ArgumentNullException.ThrowIfNull(rulesets);
        var table = await Task.Run(applier.ListTable, cancellationToken).ConfigureAwait(false);
        var routing = await Task.Run(() => rulesets.DescribeRoutingAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return Compose(table, routing);
    }

    public static string Compose(string table, string routing) =>
        routing.Length == 0 ? table : table.Length == 0 ? routing : $"{table.TrimEnd('\n')}\n\n{routing}";
}

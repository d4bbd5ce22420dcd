using Gateway.Agent.Connections;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>A connection kill, under the apply gate so its reset elements never meet a table being replaced.</summary>
public sealed partial class RulesetManager
{
    /// <summary>
    /// Deletes one conntrack entry; a TCP entry's two directions go into the killed-flow sets first, so each peer
    /// gets a reset when it next sends (<see cref="RulesetCompiler.KilledTcp4"/>). In lockdown the sets are absent and
    /// the kill only deletes the entry. The element add is the agent's own commit, so the drift watch is told.
    /// </summary>
    public Task<ConnectionKilledReply> KillConnectionAsync(KillConnectionRequest request, CancellationToken cancellationToken = default) =>
        GatedAsync(
            () => ConnectionFrames.Kill(request, tuples =>
            {
                if (_lockdown.Active || _current is null)
                {
                    return;
                }

                var script = KilledFlows.AddScript(tuples);
                if (script.Length > 0)
                {
                    _watch.CommitOwn(() =>
                    {
                        var result = NftApplier.Run(script);
                        if (!result.Ok)
                        {
                            // The entry is still deleted: the flow is cut, only without the resets.
                            LogKilledFlowRefused(result.Error);
                        }

                        return result.Ok;
                    });
                }
            }),
            cancellationToken);
}

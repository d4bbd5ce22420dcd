using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>The <c>reset-quota</c> frame: one rule's quota back to 0, answered with <c>quota-reset</c>.</summary>
public static class QuotaFrames
{
    public static async Task<AgentEvent> ResetAsync(RulesetManager rulesets, ResetQuotaRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rulesets);
        ArgumentNullException.ThrowIfNull(request);
        return await rulesets.ResetQuotaAsync(request.RuleId, cancellationToken).ConfigureAwait(false);
    }
}

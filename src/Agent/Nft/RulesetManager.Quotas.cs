using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

public sealed partial class RulesetManager
{
    /// <summary>
    /// Starts rule <paramref name="ruleId"/>'s quota again (used bytes back to 0) in the table in the kernel; refused
    /// when no applied rule of that id has a quota. Serialised with applies, so it never resets a table being replaced.
    /// </summary>
    public Task<QuotaResetReply> ResetQuotaAsync(int ruleId, CancellationToken cancellationToken = default) =>
        GatedAsync(
            () =>
            {
                var rule = _current?.Config.Rules.FirstOrDefault(r => r.Id == ruleId);
                if (_lockdown.Active || rule?.Quota is null)
                {
                    return new QuotaResetReply(ruleId, false, $"No applied rule {ruleId} with a quota.");
                }

                var result = _quotas.Reset(ruleId);
                return result.Ok ? new QuotaResetReply(ruleId, true) : new QuotaResetReply(ruleId, false, result.Error);
            },
            cancellationToken);
}

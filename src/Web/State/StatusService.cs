using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

public sealed record GatewayStatus(
    bool SetupCompleted,
    bool AgentConnected,
    long DesiredRevision,
    long AppliedRevision,
    string? LastApplyError,
    DateTimeOffset? LastAppliedAt,
    DriftView? LastDrift = null,
    Confirm.PendingConfirmationView? PendingConfirmation = null);

/// <summary>The agent's latest report that the kernel's table differed from what it applied (null: none since the web started).</summary>
public sealed record DriftView(DateTimeOffset DetectedAt, string What, bool Repaired);

/// <summary>What a script polls: applied == desired means the kernel runs what the database holds.</summary>
public sealed class StatusService(DesiredStateCache desiredState, SetupState setup, AgentClient link)
{
    public async Task<GatewayStatus> GetAsync(CancellationToken ct = default)
    {
        var desired = await desiredState.DesiredRevisionAsync(ct);
        return new GatewayStatus(
            await setup.IsCompletedAsync(ct),
            link.Connected,
            desired,
            link.AppliedRevision,
            link.LastApplyError,
            link.LastAppliedAt,
            link.LastDrift is { } drift ? new DriftView(drift.DetectedAt, drift.What, drift.Repaired) : null,
            Confirm.PendingConfirmationView.Of(link.PendingConfirmation));
    }
}

using Gateway.Shared.Config;

namespace Gateway.Shared.Protocol;

/// <summary>
/// A commit-confirmed apply the agent is holding: <paramref name="Revision"/> is in the kernel, and unless it is
/// confirmed before <paramref name="Deadline"/> the agent restores <paramref name="PreviousRevision"/>'s ruleset.
/// </summary>
public sealed record PendingConfirmation(long Revision, DateTimeOffset Deadline, long PreviousRevision);

/// <summary>
/// The agent's confirmation window changed (opened by an apply with <c>confirmSeconds</c>, closed by a confirm or a
/// revert); also the reply to <see cref="ConfirmRequest"/>. <paramref name="Error"/> says why a confirm was refused
/// (nothing pending, or a different revision pending).
/// </summary>
public sealed record ConfirmStateEvent(PendingConfirmation? Pending, string? Error = null) : AgentEvent;

/// <summary>
/// The deadline passed unconfirmed (or the agent started after it): the agent put back the previous ruleset.
/// <paramref name="Config"/> is that previous desired state, so the web can store it as a new revision and the
/// database and the kernel agree again.
/// </summary>
public sealed record RevertedEvent(long Revision, long RestoredRevision, GatewayConfig Config, string Reason, DateTimeOffset RevertedAt) : AgentEvent;

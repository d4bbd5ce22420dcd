using Gateway.Shared.Config;

namespace Gateway.Web.AgentLink;

/// <summary>The newest desired state as the apply pump sends it; the one thing the pump needs of the database.</summary>
public interface IDesiredStateSource
{
    /// <summary>
    /// The newest revision and its whole config, read consistently; null before setup completed. Given the revision
    /// the agent has applied, so that a commit-confirmed window asked for by a write it has not yet applied goes out
    /// with the snapshot that carries that write.
    /// </summary>
    Task<DesiredSnapshot?> ReadAsync(long appliedRevision, CancellationToken ct);
}

/// <param name="ConfirmSeconds">Commit-confirmed apply: the rollback window to send with this revision, or null.</param>
public sealed record DesiredSnapshot(long Revision, GatewayConfig Config, int? ConfirmSeconds = null);

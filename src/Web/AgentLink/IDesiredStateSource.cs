using Gateway.Shared.Config;

namespace Gateway.Web.State;

/// <summary>The newest desired state as the apply pump sends it; the one thing the pump needs of the database.</summary>
public interface IDesiredStateSource
{
    /// <summary>The newest revision and its whole config, read consistently; null before setup completed.</summary>
    Task<DesiredSnapshot?> ReadAsync(CancellationToken ct);
}

public sealed record DesiredSnapshot(long Revision, GatewayConfig Config);

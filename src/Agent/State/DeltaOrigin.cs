using Gateway.Shared.Config;

namespace Gateway.Agent.State;

/// <summary>
/// How an applied config came about when it came as an <c>apply-delta</c>: the config it was resolved over and the frame
/// as it crossed the socket. The last-good store journals the frame instead of writing the whole config when the base
/// is the state it holds on disk.
/// </summary>
/// <param name="BaseRevision">The revision the delta was made over.</param>
/// <param name="BaseConfig">The very config instance it was made over (chaining is checked by reference: equal
/// revisions alone can name two configs, e.g. after a revert).</param>
/// <param name="Frame">The <c>apply-delta</c> frame's JSON body, already validated and applied.</param>
public sealed record DeltaOrigin(long BaseRevision, GatewayConfig BaseConfig, ReadOnlyMemory<byte> Frame);

namespace Gateway.Shared.Protocol;

/// <summary>The agent answers with <see cref="BlockedSourcesReply"/>: the sources port-scan protection blocks now.</summary>
public sealed record GetBlockedSourcesRequest : AgentRequest;

/// <summary>
/// Frees one blocked source (an IPv4 address, or any IPv6 address of a blocked /64); the agent answers with
/// <see cref="BlockedSourcesReply"/>: what is left, and whether it was blocked.
/// </summary>
public sealed record FreeBlockedSourceRequest(string Address) : AgentRequest;

/// <summary>The blocked sources, earliest expiry first (none while port-scan protection is off).</summary>
/// <param name="Freed">On the answer to a free: whether the source was blocked.</param>
public sealed record BlockedSourcesReply(IReadOnlyList<BlockedSource> Sources, bool? Freed = null) : AgentEvent;

/// <summary>A blocked source: an IPv4 address or an IPv6 /64 (its network address), and when the block ends by itself.</summary>
public sealed record BlockedSource(string Address, DateTimeOffset ExpiresAt);

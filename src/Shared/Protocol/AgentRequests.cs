using System.Text.Json.Serialization;
using Gateway.Shared.Config;

namespace Gateway.Shared.Protocol;

/// <summary>Frames the web sends to the agent. The JSON <c>type</c> field selects the record.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(HelloRequest), "hello")]
[JsonDerivedType(typeof(ApplyRequest), "apply")]
[JsonDerivedType(typeof(ApplyDeltaRequest), "apply-delta")]
[JsonDerivedType(typeof(GetInterfacesRequest), "get-interfaces")]
[JsonDerivedType(typeof(GetRulesetRequest), "get-ruleset")]
[JsonDerivedType(typeof(GetNeighboursRequest), "get-neighbours")]
[JsonDerivedType(typeof(ConfirmRequest), "confirm")]
[JsonDerivedType(typeof(GetLeasesRequest), "get-leases")]
[JsonDerivedType(typeof(ListConnectionsRequest), "list-connections")]
[JsonDerivedType(typeof(KillConnectionRequest), "kill-connection")]
[JsonDerivedType(typeof(GetUpnpMappingsRequest), "get-upnp-mappings")]
[JsonDerivedType(typeof(DeleteUpnpMappingRequest), "delete-upnp-mapping")]
[JsonDerivedType(typeof(GetWanStatusRequest), "get-wan-status")]
[JsonDerivedType(typeof(GetDevicesRequest), "get-devices")]
[JsonDerivedType(typeof(ResetQuotaRequest), "reset-quota")]
[JsonDerivedType(typeof(GetBlockedSourcesRequest), "get-blocked-sources")]
[JsonDerivedType(typeof(FreeBlockedSourceRequest), "free-blocked-source")]
public abstract record AgentRequest
{
    /// <summary>
    /// The request's id, echoed as <see cref="AgentEvent.ReplyTo"/> on its reply (JSON <c>id</c>). Optional on the
    /// wire: 0 (absent) is a request from a client that matches replies by type, in order; the agent then answers
    /// without <c>replyTo</c>.
    /// </summary>
    public long Id { get; init; }
}

public sealed record HelloRequest(int Protocol) : AgentRequest;

/// <summary>Apply this whole snapshot; the agent answers with <see cref="AppliedEvent"/> for the same revision.</summary>
/// <param name="ConfirmSeconds">
/// Commit-confirmed apply: when set, the agent keeps the previous ruleset and restores it unless a
/// <see cref="ConfirmRequest"/> for this revision arrives within this many seconds (see <see cref="PendingConfirmation"/>).
/// </param>
public sealed record ApplyRequest(long Revision, GatewayConfig Config, int? ConfirmSeconds = null) : AgentRequest;

/// <summary>Keep the pending commit-confirmed revision; the agent answers with <see cref="ConfirmStateEvent"/>.</summary>
public sealed record ConfirmRequest(long Revision) : AgentRequest;

public sealed record GetInterfacesRequest : AgentRequest;

public sealed record GetRulesetRequest : AgentRequest;

/// <summary>The agent answers with <see cref="NeighboursReply"/>: its namespace's IPv4 neighbour (ARP) table.</summary>
public sealed record GetNeighboursRequest : AgentRequest;

/// <summary>The agent answers with <see cref="LeasesReply"/>: what its dnsmasq has handed out on the LAN now.</summary>
public sealed record GetLeasesRequest : AgentRequest;

/// <summary>The agent answers with <see cref="UpnpMappingsReply"/>: the mappings miniupnpd holds now.</summary>
public sealed record GetUpnpMappingsRequest : AgentRequest;

/// <summary>
/// Remove one mapping (<c>tcp-18080</c>) and cut its connections; the agent answers with
/// <see cref="UpnpMappingsReply"/>: what is left, and whether the mapping was there.
/// </summary>
public sealed record DeleteUpnpMappingRequest(string MappingId) : AgentRequest;

/// <summary>
/// Start a rule's quota again (its used bytes back to 0); the agent answers with <see cref="QuotaResetReply"/>.
/// </summary>
public sealed record ResetQuotaRequest(int RuleId) : AgentRequest;

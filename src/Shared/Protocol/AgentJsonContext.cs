using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.Shared.Protocol;

/// <summary>
/// Source-generated JSON for everything that crosses the socket, so the agent stays NativeAOT-publishable.
/// camelCase, like the REST API; the <c>type</c> discriminator may appear anywhere in the object.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    AllowOutOfOrderMetadataProperties = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    MaxDepth = 32)]
[JsonSerializable(typeof(AgentRequest))]
[JsonSerializable(typeof(AgentEvent))]
[JsonSerializable(typeof(Config.GatewayConfig))]
[JsonSerializable(typeof(long))]
public sealed partial class AgentJsonContext : JsonSerializerContext;

using System.Text.Json.Serialization.Metadata;

namespace Gateway.Web.Api;

/// <summary>JSON shape of REST responses.</summary>
internal static class ApiJson
{
    /// <summary>
    /// Drops read-only computed members of the shared records (PortForward.ExternalLast, CoversTcp, …):
    /// they are conveniences for code, not part of the resource, and a client PUTting back what it got
    /// should not see fields it can't set.
    /// </summary>
    public static void HideComputedSharedMembers(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object || typeInfo.Type.Namespace?.StartsWith("Gateway.Shared", StringComparison.Ordinal) != true)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            var property = typeInfo.Properties[i];
            if (property.Set is null && property.AssociatedParameter is null)
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }
}

namespace Gateway.Agent.Upnp;

/// <summary>Cuts the connections a deleted mapping admitted.</summary>
public static class UpnpConnections
{
    public static void Cut(MappingRule mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        // MERGE-PENDING: filled in with the connections layer (ct mark kind UPnP, original protocol and destination port).
    }
}

namespace Gateway.Web.Security;

/// <summary>The <c>Security</c> configuration section: limits against resource exhaustion.</summary>
public sealed class SecurityOptions
{
    /// <summary>
    /// Every request body, unless its endpoint raises it: forms and small JSON. Only signed-in writes raise it
    /// (1 MiB for a resource, 16 MiB for <c>PUT /api/v1/config</c>).
    /// </summary>
    public long DefaultBodyLimit { get; set; } = 64 * 1024;

    /// <summary>Concurrent <c>/_blazor</c> requests (each WebSocket is one for its whole life) over all clients.</summary>
    public int MaxCircuitConnections { get; set; } = 64;

    /// <summary>Disconnected circuits kept for a reconnect (ASP.NET's default is 100).</summary>
    public int MaxRetainedDisconnectedCircuits { get; set; } = 16;

    /// <summary>How long a disconnected circuit waits for its browser (ASP.NET's default is 3 minutes).</summary>
    public TimeSpan DisconnectedCircuitRetention { get; set; } = TimeSpan.FromMinutes(1);
}

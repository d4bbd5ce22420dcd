namespace Gateway.Agent.Ipc;

/// <summary>
/// What one peer may hold of the agent. Every peer already passed the uid check, so these bound mistakes and a
/// compromised web, not strangers: without them 40 connections each parked inside a 15 MiB frame held 600 MiB.
/// </summary>
/// <param name="MaxConnections">Connections served at once; one more is closed at accept (the web keeps one).</param>
/// <param name="FrameTimeout">From a frame's first byte to its last; idle time between frames is not limited.</param>
public sealed record SocketLimits(int MaxConnections, TimeSpan FrameTimeout)
{
    public static SocketLimits Default { get; } = new(8, TimeSpan.FromSeconds(10));
}

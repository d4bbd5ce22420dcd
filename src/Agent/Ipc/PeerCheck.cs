using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Ipc;

/// <summary>
/// Admits a connected peer before a byte is read: only the uids in <c>Agent:AllowedUids</c>, as the kernel recorded
/// them at connect time (SO_PEERCRED). Logs through the server's logger.
/// </summary>
public sealed partial class PeerCheck(IReadOnlyList<uint> allowedUids, ILogger logger)
{
    /// <summary>The peer when it may talk to the agent; null (logged) when not, or when its credentials are unknown.</summary>
    public PeerCredentials? Admit(Socket socket)
    {
        PeerCredentials peer;
        try
        {
            peer = PeerCredentials.Of(socket);
        }
        catch (SocketException ex)
        {
            LogPeerUnknown(ex.Message);
            return null;
        }

        if (!allowedUids.Contains(peer.Uid))
        {
            LogPeerRefused(peer.Uid, peer.Pid);
            return null;
        }

        return peer;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read peer credentials: {Error}")]
    private partial void LogPeerUnknown(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused connection from uid {Uid} (pid {Pid}): not in Agent:AllowedUids")]
    private partial void LogPeerRefused(uint uid, int pid);
}

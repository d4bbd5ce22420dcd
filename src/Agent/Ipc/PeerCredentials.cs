using System.Net.Sockets;
using System.Runtime.InteropServices;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Gateway.Agent.Ipc;

/// <summary>The peer of a connected Unix socket as the kernel recorded it at connect time (SO_PEERCRED).</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Ucred
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    /// <exception cref="SocketException">getsockopt failed.</exception>
    public static unsafe PeerCredentials Of(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Ucred cred = default;
        socklen_t length = (uint)sizeof(Ucred);
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0)
        {
            throw new SocketException(errno);
        }

        return new PeerCredentials(cred.Pid, cred.Uid, cred.Gid);
    }
}

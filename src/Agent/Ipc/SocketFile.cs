using System.Net.Sockets;

namespace Gateway.Agent.Ipc;

/// <summary>The listening Unix socket's file: created with the modes the web's group needs, removed at stop.</summary>
public static class SocketFile
{
    public static Socket Listen(string path)
    {
        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        // A socket file left by a killed agent would make bind fail with EADDRINUSE.
        TryDelete(path);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            if (!OperatingSystem.IsWindows())
            {
                // Root and the web's group may connect; SO_PEERCRED then narrows it to the allowed uids.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            }

            socket.Listen(16);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a socket file that can't go makes the next bind fail, and that is reported.
        }
    }
}

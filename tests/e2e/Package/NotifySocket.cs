using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Package;

/// <summary>
/// Stands in for systemd's notification socket (<c>NOTIFY_SOCKET</c>): a Unix datagram socket that collects the
/// sd_notify messages a <c>Type=notify</c> service sends, so a test sees "READY=1" as systemd would.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket;
    private readonly string _folder;

    public NotifySocket(string name)
    {
        _folder = Directory.CreateTempSubdirectory("gw-notify-").FullName;
        // The web sends as the gateway user: it must reach the folder and write the socket, as with systemd's.
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_101_101);
        Path = System.IO.Path.Combine(_folder, name);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        File.SetUnixFileMode(Path, (UnixFileMode)0b110_110_110);
    }

    public string Path { get; }

    /// <summary>Waits for a message containing <paramref name="line"/> (e.g. READY=1); false when none came in time.</summary>
    public async Task<bool> WaitForAsync(string line, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                var message = Encoding.UTF8.GetString(buffer, 0, received);
                if (message.Split('\n').Contains(line, StringComparer.Ordinal))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

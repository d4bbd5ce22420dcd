using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// The client half of an IRC DCC offer: a TCP connection to an "IRC server" carrying one
/// <c>PRIVMSG x :\x01DCC SEND file &lt;ip as integer&gt; &lt;port&gt; &lt;size&gt;\x01</c> line. The kernel's irc helper reads
/// only the connection's original direction (client to server) and accepts an offer only for the client's own
/// address, so the offer names the sender's address. The connection stays open until disposed.
/// </summary>
public sealed class IrcDcc : IDisposable
{
    private readonly Socket _socket;

    private IrcDcc(Socket socket) => _socket = socket;

    public static async Task<IrcDcc> OfferAsync(string fromNs, string serverIp, int serverPort, string offeredIp, int offeredPort)
    {
        var socket = NetNs.CreateSocket(fromNs, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var cts = new CancellationTokenSource(Lab.DefaultPacketTimeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(serverIp), serverPort), cts.Token);
            var bytes = IPAddress.Parse(offeredIp).GetAddressBytes();
            var asInteger = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
            var line = $"PRIVMSG friend :\u0001DCC SEND notes.txt {asInteger} {offeredPort} 1234\u0001\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(line), SocketFlags.None, cts.Token);
            return new IrcDcc(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void Dispose() => _socket.Dispose();
}

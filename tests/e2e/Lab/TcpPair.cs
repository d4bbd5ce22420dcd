using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>What a peer saw after it wrote on a connection: its read was reset, the peer closed, data came, or nothing came in time.</summary>
public enum PeerOutcome
{
    Reset,
    Closed,
    Data,
    Silence,
}

/// <summary>
/// Both ends of one TCP connection between two lab namespaces, held as raw sockets, so a test can write on either
/// side and see what each peer gets (a reset, a close, or silence) after the router changed the flow.
/// </summary>
public sealed class TcpPair : IDisposable
{
    private TcpPair(Socket client, Socket server)
    {
        Client = client;
        Server = server;
    }

    /// <summary>The connecting end.</summary>
    public Socket Client { get; }

    /// <summary>The accepted end.</summary>
    public Socket Server { get; }

    /// <summary>
    /// Listens on <paramref name="serverPort"/> in <paramref name="serverNs"/>, connects from <paramref name="clientNs"/> to
    /// <paramref name="ip"/>:<paramref name="port"/> (which may be a forwarded address), and accepts that one connection.
    /// </summary>
    public static async Task<TcpPair> OpenAsync(string clientNs, string ip, int port, string serverNs, int serverPort)
    {
        using var listener = NetNs.Run(serverNs, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(IPAddress.Any, serverPort));
            s.Listen(1);
            return s;
        });
        var client = NetNs.Run(clientNs, () => new Socket(IPAddress.Parse(ip).AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            using var cts = new CancellationTokenSource(Lab.DefaultPacketTimeout * 2);
            var accepted = listener.AcceptAsync(cts.Token).AsTask();
            await client.ConnectAsync(new IPEndPoint(IPAddress.Parse(ip), port), cts.Token);
            return new TcpPair(client, await accepted);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Writes one line on <paramref name="from"/> and waits for it on <paramref name="to"/>: true when it arrived whole.</summary>
    public static async Task<bool> CarriesAsync(Socket from, Socket to)
    {
        var line = Encoding.ASCII.GetBytes($"line-{Guid.NewGuid():N}\n");
        using var cts = new CancellationTokenSource(Lab.DefaultPacketTimeout);
        try
        {
            await from.SendAsync(line, SocketFlags.None, cts.Token);
            var buffer = new byte[line.Length];
            var got = 0;
            while (got < line.Length)
            {
                var n = await to.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return false;
                }

                got += n;
            }

            return buffer.AsSpan().SequenceEqual(line);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes on <paramref name="peer"/> and reads what comes back within <paramref name="timeout"/>: a reset shows as
    /// ECONNRESET on the write or the read.
    /// </summary>
    public static async Task<PeerOutcome> WriteAndReadAsync(Socket peer, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await peer.SendAsync("after the kill\n"u8.ToArray(), SocketFlags.None, cts.Token);
            var n = await peer.ReceiveAsync(new byte[256], SocketFlags.None, cts.Token);
            return n == 0 ? PeerOutcome.Closed : PeerOutcome.Data;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return PeerOutcome.Reset;
        }
        catch (OperationCanceledException)
        {
            return PeerOutcome.Silence;
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}

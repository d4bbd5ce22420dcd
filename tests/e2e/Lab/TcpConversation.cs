using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// A TCP connection from a lab namespace to an echo server, held open so a test can check whether it
/// still carries data after the firewall changed under it.
/// </summary>
public sealed class TcpConversation : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private bool _broken;

    private TcpConversation(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Connects, or returns null when no connection could be made within the timeout.</summary>
    public static async Task<TcpConversation?> OpenAsync(
        string fromNs, string ip, int port, string? sourceIp = null, TimeSpan? timeout = null)
    {
        var socket = NetNs.Run(fromNs, () =>
        {
            var s = new Socket(IPAddress.Parse(ip).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (sourceIp is not null)
            {
                s.Bind(new IPEndPoint(IPAddress.Parse(sourceIp), 0));
            }

            return s;
        });
        using var cts = new CancellationTokenSource(timeout ?? Lab.DefaultPacketTimeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(ip), port), cts.Token);
            return new TcpConversation(socket);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>
    /// Sends a fresh token and returns the marker of the server that echoed it, or null when no echo came
    /// back in time (dropped, reset or closed). Once an exchange failed the conversation stays failed:
    /// a late echo must not be mistaken for the answer to a later token.
    /// </summary>
    public async Task<string?> ExchangeAsync(TimeSpan? timeout = null)
    {
        if (_broken)
        {
            return null;
        }

        var token = $"token-{Guid.NewGuid():N}";
        using var cts = new CancellationTokenSource(timeout ?? Lab.DefaultPacketTimeout);
        try
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(token + "\n"), cts.Token);
            // Lines the server said unasked (TcpEchoServer.SayToAllAsync) are not the answer: read past them.
            while (await _reader.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.EndsWith(" " + token, StringComparison.Ordinal))
                {
                    return line[..^(token.Length + 1)];
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _broken = true;
        return null;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }
}

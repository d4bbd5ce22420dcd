using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// A TCP server inside a lab namespace that answers every line with "<marker> <line>", so a client knows
/// which host and port it really reached. It records each peer address it accepted (to see NAT at work).
/// </summary>
public sealed class TcpEchoServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<IPEndPoint> _peers = new();
    private readonly ConcurrentBag<Socket> _connections = [];
    private int _disposed;
    private readonly Task _acceptLoop;

    private TcpEchoServer(Socket listener, string marker, int port)
    {
        _listener = listener;
        Marker = marker;
        Port = port;
        _acceptLoop = AcceptLoopAsync();
    }

    public string Marker { get; }

    public int Port { get; }

    /// <summary>Source addresses of accepted connections, oldest first.</summary>
    public IReadOnlyList<IPEndPoint> Peers => [.. _peers];

    public static TcpEchoServer Start(string ns, int port, string marker, string bindAddress = "0.0.0.0")
    {
        var listener = NetNs.Run(ns, () =>
        {
            var address = IPAddress.Parse(bindAddress);
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    // IPv6 only: an IPv4 server may listen on the same port, and peers are never v4-mapped.
                    socket.DualMode = false;
                }

                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(64);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        });
        return new TcpEchoServer(listener, marker, port);
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _peers.Enqueue((IPEndPoint)connection.RemoteEndPoint!);
            _connections.Add(connection);
            _ = ServeAsync(connection);
        }
    }

    /// <summary>
    /// Sends <paramref name="line"/> unasked on every connection this server accepted, so the server's side speaks
    /// first (as a shell session's output would). A connection that is gone is skipped.
    /// </summary>
    public async Task SayToAllAsync(string line)
    {
        var bytes = Encoding.ASCII.GetBytes($"{Marker} {line}\n");
        foreach (var connection in _connections)
        {
            try
            {
                await connection.SendAsync(bytes, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Closed already: nothing to say on it.
            }
        }
    }

    private async Task ServeAsync(Socket connection)
    {
        try
        {
            await using var stream = new NetworkStream(connection, ownsSocket: true);
            using var reader = new StreamReader(stream, Encoding.ASCII);
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{Marker} {line}\n"), _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The client went away or the server is stopping; either way this conversation is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Tests dispose their servers and the lab disposes them again as a safety net.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        await _acceptLoop;
        _stop.Dispose();
    }
}

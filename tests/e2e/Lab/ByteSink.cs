using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// A TCP server in a lab namespace that reads and counts what each connection sends (nothing is answered), so a
/// test sees how many bytes of a transfer got through a firewall.
/// </summary>
public sealed class ByteSink : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<int, long> _received = new();
    private readonly Task _accepting;
    private int _connections;

    private ByteSink(Socket listener)
    {
        _listener = listener;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Bytes received on each accepted connection, by the order it was accepted (1, 2, …).</summary>
    public long Received(int connection) => _received.GetValueOrDefault(connection);

    /// <summary>How many connections were accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static ByteSink Start(string ns, int port) => new(NetNs.Run(ns, () =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        socket.Listen(16);
        return socket;
    }));

    /// <summary>
    /// Connects from <paramref name="ns"/> and writes <paramref name="bytes"/> zero bytes, giving up after
    /// <paramref name="within"/>; true when every byte was handed to the kernel (not that it arrived).
    /// </summary>
    public static async Task<bool> SendAsync(string ns, string address, int port, int bytes, TimeSpan within)
    {
        using var socket = NetNs.CreateSocket(ns, SocketType.Stream, ProtocolType.Tcp);
        using var deadline = new CancellationTokenSource(within);
        try
        {
            await socket.ConnectAsync(IPAddress.Parse(address), port, deadline.Token);
            var buffer = new byte[bytes];
            var sent = 0;
            while (sent < bytes)
            {
                sent += await socket.SendAsync(buffer.AsMemory(sent), SocketFlags.None, deadline.Token);
            }

            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
            return false;
        }
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

            _ = CountAsync(connection, Interlocked.Increment(ref _connections));
        }
    }

    private async Task CountAsync(Socket connection, int number)
    {
        using (connection)
        {
            var buffer = new byte[65536];
            try
            {
                int read;
                while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
                {
                    _received.AddOrUpdate(number, read, (_, total) => total + read);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                // The sender gave up or the sink is stopping: what arrived is counted.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}

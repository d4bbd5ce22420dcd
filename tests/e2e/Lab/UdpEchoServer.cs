using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>A UDP server inside a lab namespace answering each datagram with "<marker> <payload>".</summary>
public sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<IPEndPoint> _peers = new();
    private int _disposed;
    private readonly Task _loop;
    private readonly IPAddress _any;

    private UdpEchoServer(Socket socket, string marker, int port)
    {
        _any = socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        _socket = socket;
        Marker = marker;
        Port = port;
        _loop = LoopAsync();
    }

    public string Marker { get; }

    public int Port { get; }

    public IReadOnlyList<IPEndPoint> Peers => [.. _peers];

    /// <remarks><paramref name="bindAddress"/> "::" serves IPv6 only, so an IPv4 server may share the port.</remarks>
    public static UdpEchoServer Start(string ns, int port, string marker, string bindAddress = "0.0.0.0")
    {
        var address = IPAddress.Parse(bindAddress);
        var socket = NetNs.Run(ns, () =>
        {
            var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    s.DualMode = false;
                }

                s.Bind(new IPEndPoint(address, port));
                return s;
            }
            catch
            {
                s.Dispose();
                throw;
            }
        });
        return new UdpEchoServer(socket, marker, port);
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[2048];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(_any, 0), _stop.Token);
                var peer = (IPEndPoint)received.RemoteEndPoint;
                _peers.Enqueue(peer);
                var payload = Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes);
                await _socket.SendToAsync(Encoding.ASCII.GetBytes($"{Marker} {payload}"), peer, _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error from an earlier reply surfaces here; the server keeps serving.
            }
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
        _socket.Dispose();
        await _loop;
        _stop.Dispose();
    }
}

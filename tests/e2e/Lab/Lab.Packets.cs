using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>Real packets between the lab's namespaces: echo servers, TCP and UDP exchanges.</summary>
public sealed partial class Lab
{
    /// <summary>A TCP echo server in <paramref name="ns"/> answering "<paramref name="marker"/> &lt;line&gt;"; stopped at dispose.</summary>
    /// <remarks><paramref name="bindAddress"/> "::" serves IPv6 only, so an IPv4 server may share the port.</remarks>
    public TcpEchoServer StartTcpEchoServer(string ns, int port, string marker, string bindAddress = "0.0.0.0")
    {
        var server = TcpEchoServer.Start(ns, port, marker, bindAddress);
        lock (_servers)
        {
            _servers.Add(server);
        }

        return server;
    }

    public UdpEchoServer StartUdpEchoServer(string ns, int port, string marker, string bindAddress = "0.0.0.0")
    {
        var server = UdpEchoServer.Start(ns, port, marker, bindAddress);
        lock (_servers)
        {
            _servers.Add(server);
        }

        return server;
    }

    /// <summary>
    /// Connects from <paramref name="fromNs"/> (optionally from <paramref name="sourceIp"/>), sends a token and
    /// returns the marker of the echo server that answered, or null when nothing answered in time.
    /// </summary>
    public static async Task<string?> TcpExchangeAsync(
        string fromNs, string ip, int port, string? sourceIp = null, TimeSpan? timeout = null)
    {
        using var conversation = await TcpConversation.OpenAsync(fromNs, ip, port, sourceIp, timeout);
        return conversation is null ? null : await conversation.ExchangeAsync(timeout);
    }

    /// <summary>A TCP connection held open, to see what a firewall change does to it.</summary>
    public static Task<TcpConversation?> OpenTcpAsync(
        string fromNs, string ip, int port, string? sourceIp = null, TimeSpan? timeout = null) =>
        TcpConversation.OpenAsync(fromNs, ip, port, sourceIp, timeout);

    /// <summary>Sends one datagram and returns the marker of the UDP echo server that answered, or null.</summary>
    /// <param name="sourcePort">The local port to send from; 0 lets the kernel pick.</param>
    public static async Task<string?> UdpExchangeAsync(
        string fromNs, string ip, int port, string? sourceIp = null, TimeSpan? timeout = null, int sourcePort = 0)
    {
        var family = IPAddress.Parse(ip).AddressFamily;
        var any = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
        using var socket = NetNs.Run(fromNs, () =>
        {
            var s = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(sourceIp is null ? any : IPAddress.Parse(sourceIp), sourcePort));
            return s;
        });
        var token = $"token-{Guid.NewGuid():N}";
        var target = new IPEndPoint(IPAddress.Parse(ip), port);
        using var cts = new CancellationTokenSource(timeout ?? DefaultPacketTimeout);
        var buffer = new byte[2048];
        try
        {
            // One retry inside the window covers a first datagram lost to ARP resolution.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                await socket.SendToAsync(Encoding.ASCII.GetBytes(token), target, cts.Token);
                using var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
                attemptCts.CancelAfter((timeout ?? DefaultPacketTimeout) / 2);
                try
                {
                    var received = await socket.ReceiveFromAsync(buffer, new IPEndPoint(any, 0), attemptCts.Token);
                    var reply = Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes);
                    if (reply.EndsWith(" " + token, StringComparison.Ordinal))
                    {
                        return reply[..^(token.Length + 1)];
                    }
                }
                catch (OperationCanceledException) when (!cts.IsCancellationRequested)
                {
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
        }

        return null;
    }

    /// <summary>Waits until something listens on ip:port as seen from <paramref name="fromNs"/> (a server we started).</summary>
    public static async Task WaitForTcpListenerAsync(string fromNs, string ip, int port, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            using var socket = NetNs.CreateSocket(fromNs, SocketType.Stream, ProtocolType.Tcp, IPAddress.Parse(ip).AddressFamily);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            try
            {
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(ip), port), cts.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"Nothing listened on {ip}:{port} (seen from {fromNs}) within {limit.TotalSeconds:0}s.");
    }
}

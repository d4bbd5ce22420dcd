using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.E2e.Lab;

/// <summary>One ICMP or ICMPv6 message as a host received it, with the header of the packet it answers (for errors).</summary>
public sealed record IcmpMessage(
    IPAddress Source, byte Type, byte Code, ProtocolType? InnerProtocol, IPAddress? InnerDestination, int? InnerDestinationPort)
{
    public override string ToString() =>
        $"ICMP type {Type} code {Code} from {Source} about {InnerProtocol?.ToString() ?? "-"} to {InnerDestination}:{InnerDestinationPort}";
}

/// <summary>
/// A raw ICMP socket in a lab namespace: the kernel hands it a copy of every ICMP packet the host receives,
/// so a test sees the exact type and code a firewall answered with, not only that a connection failed.
/// Start it before sending the packet that should provoke the answer.
/// </summary>
public sealed class IcmpCapture : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<IcmpMessage> _messages = new();
    private readonly Task _loop;

    private readonly bool _ipv6;

    private IcmpCapture(Socket socket)
    {
        _socket = socket;
        _ipv6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
        _loop = ReceiveLoopAsync();
    }

    public IReadOnlyList<IcmpMessage> Messages => [.. _messages];

    public static IcmpCapture Start(string ns) =>
        new(NetNs.Run(ns, () =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
            // .NET refuses ReceiveFrom on an unbound socket, raw ones included.
            socket.Bind(new IPEndPoint(IPAddress.Any, 0));
            return socket;
        }));

    /// <summary>
    /// A raw ICMPv6 socket: the kernel hands it the ICMPv6 message without the IPv6 header (the source comes
    /// with the datagram), every type by default (no ICMP6_FILTER set).
    /// </summary>
    public static IcmpCapture Start6(string ns) =>
        new(NetNs.Run(ns, () =>
        {
            var socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Raw, ProtocolType.IcmpV6);
            socket.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
            return socket;
        }));

    /// <summary>ICMP errors about packets sent to <paramref name="destinationPort"/> (the answers to our probes).</summary>
    public IReadOnlyList<IcmpMessage> AboutPort(int destinationPort) =>
        Messages.Where(m => m.InnerDestinationPort == destinationPort).ToList();

    /// <summary>Waits for a message matching <paramref name="match"/>; null when none arrived in time.</summary>
    public async Task<IcmpMessage?> WaitForAsync(Func<IcmpMessage, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_loop.IsFaulted)
            {
                throw new InvalidOperationException("The ICMP capture stopped receiving.", _loop.Exception);
            }

            if (Messages.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (clock.Elapsed >= timeout)
            {
                return null;
            }

            await Task.Delay(20);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var received = await _socket.ReceiveFromAsync(
                    buffer, new IPEndPoint(_ipv6 ? IPAddress.IPv6Any : IPAddress.Any, 0), _stop.Token);
                var message = _ipv6
                    ? Parse6(((IPEndPoint)received.RemoteEndPoint).Address, buffer.AsSpan(0, received.ReceivedBytes))
                    : Parse(buffer.AsSpan(0, received.ReceivedBytes));
                if (message is not null)
                {
                    _messages.Enqueue(message);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    /// <summary>IPv4 header, ICMP header (type, code, checksum, 4 more bytes), then for errors the offending header.</summary>
    private static IcmpMessage? Parse(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 20)
        {
            return null;
        }

        var headerLength = (packet[0] & 0x0F) * 4;
        if (packet.Length < headerLength + 8)
        {
            return null;
        }

        var source = new IPAddress(packet.Slice(12, 4));
        var icmp = packet[headerLength..];
        var (type, code) = (icmp[0], icmp[1]);
        var inner = icmp[8..];
        // Destination unreachable (3), time exceeded (11) and parameter problem (12) quote the packet they answer.
        if (type is not (3 or 11 or 12) || inner.Length < 20)
        {
            return new IcmpMessage(source, type, code, null, null, null);
        }

        var innerHeaderLength = (inner[0] & 0x0F) * 4;
        var protocol = (ProtocolType)inner[9];
        var destination = new IPAddress(inner.Slice(16, 4));
        int? port = null;
        if (protocol is ProtocolType.Tcp or ProtocolType.Udp && inner.Length >= innerHeaderLength + 4)
        {
            port = (inner[innerHeaderLength + 2] << 8) | inner[innerHeaderLength + 3];
        }

        return new IcmpMessage(source, type, code, protocol, destination, port);
    }

    /// <summary>
    /// ICMPv6 header (type, code, checksum, 4 more bytes), then for errors the offending IPv6 header (40 bytes;
    /// next header at 6, destination at 24) and, when no extension header sits between, its ports.
    /// </summary>
    private static IcmpMessage? Parse6(IPAddress source, ReadOnlySpan<byte> icmp)
    {
        if (icmp.Length < 8)
        {
            return null;
        }

        var (type, code) = (icmp[0], icmp[1]);
        var inner = icmp[8..];
        // Destination unreachable (1), packet too big (2), time exceeded (3), parameter problem (4).
        if (type is not (1 or 2 or 3 or 4) || inner.Length < 40)
        {
            return new IcmpMessage(source, type, code, null, null, null);
        }

        var protocol = (ProtocolType)inner[6];
        var destination = new IPAddress(inner.Slice(24, 16));
        int? port = null;
        if (protocol is ProtocolType.Tcp or ProtocolType.Udp && inner.Length >= 44)
        {
            port = (inner[42] << 8) | inner[43];
        }

        return new IcmpMessage(source, type, code, protocol, destination, port);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}

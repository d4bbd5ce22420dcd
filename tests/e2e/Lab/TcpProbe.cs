using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Tests.E2e.Lab;

/// <summary>How a TCP connect attempt ended, and how long it took: a reset is quick, a drop is a timeout.</summary>
public sealed record TcpProbeResult(bool Connected, bool TimedOut, SocketError? Error, TimeSpan Elapsed)
{
    public bool Refused => Error == SocketError.ConnectionRefused;

    public override string ToString() =>
        Connected ? $"connected after {Elapsed.TotalMilliseconds:0} ms"
        : TimedOut ? $"no answer within {Elapsed.TotalMilliseconds:0} ms"
        : $"{Error} after {Elapsed.TotalMilliseconds:0} ms";
}

public static class TcpProbe
{
    /// <summary>One connect from <paramref name="fromNs"/>; the connection, if made, is closed at once.</summary>
    public static async Task<TcpProbeResult> ConnectAsync(
        string fromNs, string ip, int port, string? sourceIp = null, TimeSpan? timeout = null)
    {
        using var socket = NetNs.Run(fromNs, () =>
        {
            var s = new Socket(IPAddress.Parse(ip).AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (sourceIp is not null)
            {
                s.Bind(new IPEndPoint(IPAddress.Parse(sourceIp), 0));
            }

            return s;
        });
        var clock = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(timeout ?? Lab.DefaultPacketTimeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(ip), port), cts.Token);
            return new TcpProbeResult(true, false, null, clock.Elapsed);
        }
        catch (OperationCanceledException)
        {
            return new TcpProbeResult(false, true, null, clock.Elapsed);
        }
        catch (SocketException e)
        {
            return new TcpProbeResult(false, false, e.SocketErrorCode, clock.Elapsed);
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// The lab's IPv6 side (scripts/lab.sh makes every namespace dual stack): documentation prefixes, static
/// addresses, routed without NAT. The router has no IPv6 address on br-lan until the agent adds a static
/// <c>lanIpv6</c> or a test adds one by hand (what the kernel would hold in <c>auto</c>).
/// </summary>
public sealed partial class Lab
{
    public const string LanPrefix6 = "2001:db8:50::";
    public const string RouterLanIp6 = "2001:db8:50::1";
    /// <summary>The static <c>lanIpv6</c> setting that puts <see cref="RouterLanIp6"/> on br-lan.</summary>
    public const string RouterLanCidr6 = "2001:db8:50::1/64";
    public const string Lan1Ip6 = "2001:db8:50::10";
    public const string Lan2Ip6 = "2001:db8:50::11";
    public const string Lan1Suffix6 = "::10";
    public const string Lan2Suffix6 = "::11";
    public const string RouterWanIp6 = "2001:db8:113::1";
    public const string WanHostIp6 = "2001:db8:113::2";
    public const string WanHostSecondIp6 = "2001:db8:113::3";
    /// <summary>The host behind the WAN host's 1280-byte link (<see cref="AddFarHostAsync"/>).</summary>
    public const string FarHostIp6 = "2001:db8:114::2";

    /// <summary>Exists only after <see cref="AddFarHostAsync"/>.</summary>
    public string FarNs => $"{_prefix}-far";

    /// <summary>
    /// Adds <see cref="FarNs"/> behind the WAN host across an MTU-1280 link, its route advertising MSS 1440
    /// (scripts/lab.sh <c>far</c>): a path only a Packet Too Big can make work. Deleted with the lab.
    /// </summary>
    public async Task AddFarHostAsync()
    {
        var far = await RunAsync("bash", [LabScript, "far", _prefix], TimeSpan.FromSeconds(30));
        if (!far.Succeeded)
        {
            throw new InvalidOperationException($"lab.sh far failed: {far}");
        }
    }

    /// <summary>Runs a command in <paramref name="ns"/>, fails the test if it fails, returns its stdout.</summary>
    public async Task<string> MustAsync(string ns, string command)
    {
        var result = await ExecAsync(ns, command);
        Assert.True(result.Succeeded, $"{ns}: {command}: {result}");
        return result.Stdout;
    }

    /// <summary>The global IPv6 addresses on a router link, as "addr/len".</summary>
    public async Task<IReadOnlyList<string>> RouterAddresses6Async(string link)
    {
        var text = await MustAsync(RouterNs, $"ip -6 -o addr show dev {link} scope global");
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(fields => fields[Array.IndexOf(fields, "inet6") + 1])
            .ToList();
    }

    /// <summary>A sysctl's value in the router namespace ("1"), read from /proc.</summary>
    public async Task<string> RouterSysctlAsync(string key) =>
        (await MustAsync(RouterNs, $"cat /proc/sys/{key.Replace('.', '/')}")).Trim();

    /// <summary>
    /// Uploads <paramref name="bytes"/> random bytes over TCP from <paramref name="fromNs"/> to a sink that
    /// this call listens with in <paramref name="toNs"/> on [<paramref name="ip"/>]:<paramref name="port"/>;
    /// returns how many bytes the sink counted (it answers the count after the sender's FIN), or null when
    /// the transfer did not finish within <paramref name="timeout"/> (a black hole stalls it).
    /// </summary>
    public static async Task<long?> UploadAsync(string fromNs, string toNs, string ip, int port, int bytes, TimeSpan timeout)
    {
        var address = IPAddress.Parse(ip);
        using var listener = NetNs.Run(toNs, () =>
        {
            var s = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(address, port));
            s.Listen(1);
            return s;
        });
        using var cts = new CancellationTokenSource(timeout);
        var sink = SinkAsync(listener, cts.Token);
        using var client = NetNs.Run(fromNs, () => new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await client.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            var payload = RandomNumberGenerator.GetBytes(bytes);
            var sent = 0;
            while (sent < payload.Length)
            {
                sent += await client.SendAsync(payload.AsMemory(sent), SocketFlags.None, cts.Token);
            }

            client.Shutdown(SocketShutdown.Send);
            var buffer = new byte[64];
            var answer = new StringBuilder();
            int read;
            while ((read = await client.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            await sink;
            return long.TryParse(answer.ToString().Trim(), out var count) ? count : null;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task SinkAsync(Socket listener, CancellationToken ct)
    {
        try
        {
            using var connection = await listener.AcceptAsync(ct);
            var buffer = new byte[65536];
            long total = 0;
            int read;
            while ((read = await connection.ReceiveAsync(buffer, SocketFlags.None, ct)) > 0)
            {
                total += read;
            }

            await connection.SendAsync(Encoding.ASCII.GetBytes($"{total}\n"), SocketFlags.None, ct);
            connection.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}

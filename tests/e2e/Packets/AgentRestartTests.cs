using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// The agent under abuse: it dies hard (SIGKILL) and comes back, and it shrugs off garbage on its socket.
/// </summary>
public sealed class AgentRestartTests(AgentRestartTests.Fixture fixture) : IClassFixture<AgentRestartTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task WebReconnectsToAKilledAndRestartedAgentAndTheNextWriteApplies()
    {
        await using var first = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7400, "lan1:7400");
        await using var second = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7401, "lan1:7401");
        await _api.CreateForwardAsync(_lab, new
        {
            name = "before the crash",
            protocol = "tcp",
            externalPort = 8400,
            internalAddress = Lan1Ip,
            internalPort = 7400,
        });
        Assert.Equal("lan1:7400", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8400));

        await _lab.StopAgentAsync(kill: true);
        await WaitForAgentConnectedAsync(false);
        // The ruleset lives in the kernel, not in the agent.
        Assert.Equal("lan1:7400", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8400));

        await _lab.StartAgentAsync();
        await WaitForAgentConnectedAsync(true);

        await _api.CreateForwardAsync(_lab, new
        {
            name = "after the crash",
            protocol = "tcp",
            externalPort = 8401,
            internalAddress = Lan1Ip,
            internalPort = 7401,
        });
        Assert.Null((await _api.StatusAsync())["lastApplyError"]?.GetValue<string>());
        Assert.Equal("lan1:7401", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8401));
        Assert.Equal("lan1:7400", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8400));
    }

    [Fact]
    public async Task GarbageOnTheSocketClosesOnlyThatConnection()
    {
        // Each from a fresh client, which keeps its side open: the agent itself must hang up.
        byte[][] garbage =
        [
            Header(0x7FFF_FFFF),
            Frame("{ not json"),
            Frame("{\"type\":\"format-disk\"}"),
            Frame("[1,2,3]"),
        ];
        foreach (var bytes in garbage)
        {
            Assert.True(await AgentClosesAfterAsync(bytes, halfClose: false),
                $"the agent kept a connection open after {Convert.ToHexString(bytes)}");
            Assert.True(_lab.AgentRunning, "the agent exited after garbage on its socket");
        }

        // A frame cut short by the client going away.
        Assert.True(await AgentClosesAfterAsync([.. Header(100), .. "{\"type\":"u8], halfClose: true));
        Assert.True(_lab.AgentRunning, "the agent exited after a truncated frame");

        // The web's own connection was never disturbed, and writes still apply.
        Assert.True((await _api.StatusAsync())["agentConnected"]!.GetValue<bool>());
        await using var server = _lab.StartTcpEchoServer(_lab.Lan2Ns, 7402, "lan2:7402");
        await _api.CreateForwardAsync(_lab, new
        {
            name = "after the garbage",
            protocol = "tcp",
            externalPort = 8402,
            internalAddress = Lan2Ip,
            internalPort = 7402,
        });
        Assert.Equal("lan2:7402", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8402));
    }

    private static byte[] Header(int length)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        return header;
    }

    private static byte[] Frame(string json) => [.. Header(Encoding.UTF8.GetByteCount(json)), .. Encoding.UTF8.GetBytes(json)];

    /// <summary>Sends raw bytes (optionally then half-closes) and waits for the agent to close the connection.</summary>
    private async Task<bool> AgentClosesAfterAsync(byte[] bytes, bool halfClose)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(_lab.AgentSocketPath));
        await socket.SendAsync(bytes);
        if (halfClose)
        {
            socket.Shutdown(SocketShutdown.Send);
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[65536];
        try
        {
            // Pushed frames (conntrack samples) may arrive first; the connection must still end.
            while (await socket.ReceiveAsync(buffer, cts.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task WaitForAgentConnectedAsync(bool connected)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if ((await _api.StatusAsync())["agentConnected"]!.GetValue<bool>() == connected)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"status.agentConnected did not become {connected} within 30s: {await _api.StatusAsync()}");
    }
}

using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// A LAN host that holds a MAC pinhole claims another host's address with neighbour solicitations: the pinhole
/// admits that address only while the router's neighbour table gives it the pinhole's MAC, however many other
/// neighbour events arrive, and connections it admitted to an address that left its set are cut.
/// </summary>
public sealed partial class PinholeTests
{
    /// <summary>
    /// Generous against the ~1 s the agent promises (this box is shared), and far below the 30 s full pass
    /// that, without a maximum delay, was the only thing to run while the event stream never went quiet.
    /// </summary>
    private static readonly TimeSpan LeaveBound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task AClaimedAddressLeavesTheMacPinholeSoonAfterItsOwnerCorrectsTheTableEvenUnderAnEventStream()
    {
        await using var lan2 = _lab.StartTcpEchoServer(_lab.Lan2Ns, Port, "lan2", "::");
        // LAN1 holds a pinhole for its own MAC; LAN2 has none.
        var id = await _api.CreatePinholeAsync(_lab, new { name = "lan1 by mac", enabled = true, protocol = "tcp", port = Port, mac = _lab.Lan1Mac });

        // LAN1 claims LAN2's address: the router now believes LAN2's address is at LAN1's MAC.
        await NeighbourSpoof.SendAsync(_lab, _lab.Lan1Ns, Lan2Ip6, _lab.Lan1Mac);
        Assert.True(await Eventually.TrueAsync(async () => (await SetAsync(id)).Contains(Lan2Ip6, StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            $"the spoofed solicitation did not put {Lan2Ip6} into the pinhole's set: {await SetAsync(id)}");

        // From now on a neighbour event every 50 ms (LAN1 solicits from ever new addresses of the prefix).
        var stream = await NeighbourSpoof.StartAsync(_lab, _lab.Lan1Ns, LanPrefix6 + "1:0", _lab.Lan1Mac, count: 400, interval: 0.05);
        try
        {
            // The stream is flowing once the router has learned a few of its addresses (python may take a while to start).
            Assert.True(await Eventually.TrueAsync(async () => await StreamEntriesAsync() >= 5, TimeSpan.FromSeconds(15)),
                "the stream of solicitations never reached the router's neighbour table");
            // LAN2 answers for its own address again.
            await NeighbourSpoof.SendAsync(_lab, _lab.Lan2Ns, Lan2Ip6, _lab.Lan2Mac);
            var corrected = System.Diagnostics.Stopwatch.StartNew();
            var left = await Eventually.TrueAsync(async () => !(await SetAsync(id)).Contains(Lan2Ip6, StringComparison.Ordinal), LeaveBound, TimeSpan.FromMilliseconds(50));
            output.WriteLine($"{Lan2Ip6} {(left ? "left" : "was still in")} the set {corrected.Elapsed.TotalMilliseconds:0} ms after LAN2's correction");
            output.WriteLine(await _lab.MustAsync(_lab.RouterNs, $"ip -6 neigh show {Lan2Ip6}"));
            Assert.True(left, $"{Lan2Ip6} stayed in the pinhole's set: {await SetAsync(id)}");
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, Lan2Ip6, Port, timeout: TimeSpan.FromSeconds(2)));
        }
        finally
        {
            stream.Kill();
            await stream.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task ConnectionsAMacPinholeAdmittedToAnAddressThatLeftItsSetAreCut()
    {
        await using var lan2 = _lab.StartTcpEchoServer(_lab.Lan2Ns, Port, "lan2", "::");
        var id = await _api.CreatePinholeAsync(_lab, new { name = "lan2 by mac", enabled = true, protocol = "tcp", port = Port, mac = _lab.Lan2Mac });
        await _lab.MustAsync(_lab.Lan2Ns, $"ping -6 -c1 -W2 -I {Lan2Ip6} {RouterLanIp6}");
        Assert.True(await Eventually.TrueAsync(async () => (await SetAsync(id)).Contains(Lan2Ip6, StringComparison.Ordinal), TimeSpan.FromSeconds(10)),
            $"{Lan2Ip6} never entered the pinhole's set: {await SetAsync(id)}");
        using var held = await OpenTcpAsync(_lab.WanNs, Lan2Ip6, Port);
        Assert.NotNull(held);
        Assert.Equal("lan2", await held.ExchangeAsync());

        // The table no longer gives that address LAN2's MAC (here: by hand, as a claim by another host would).
        await _lab.MustAsync(_lab.RouterNs, $"ip -6 neigh replace {Lan2Ip6} lladdr {_lab.Lan1Mac} dev {_lab.LanInterface} nud stale");
        Assert.True(await Eventually.TrueAsync(async () => !(await SetAsync(id)).Contains(Lan2Ip6, StringComparison.Ordinal), LeaveBound),
            $"{Lan2Ip6} stayed in the set: {await SetAsync(id)}");
        var cut = await Eventually.TrueAsync(async () => (await _lab.ConntrackAsync($"-p tcp -f ipv6 --orig-dst {Lan2Ip6} --dport {Port}")).Count == 0, TimeSpan.FromSeconds(2));

        // Put LAN2's own MAC back, so the held connection could flow again were it not cut.
        await _lab.MustAsync(_lab.RouterNs, $"ip -6 neigh replace {Lan2Ip6} lladdr {_lab.Lan2Mac} dev {_lab.LanInterface} nud reachable");
        Assert.True(cut, string.Join('\n', await _lab.ConntrackAsync($"-p tcp -f ipv6 --orig-dst {Lan2Ip6}")));
        Assert.Null(await held.ExchangeAsync(TimeSpan.FromSeconds(2)));
    }

    /// <summary>How many of the stream's addresses (2001:db8:50::1:x) the router's neighbour table holds.</summary>
    private async Task<int> StreamEntriesAsync() =>
        (await _lab.ExecAsync(_lab.RouterNs, $"ip -6 neigh show dev {_lab.LanInterface}")).Stdout
            .Split('\n').Count(line => line.StartsWith(LanPrefix6 + "1:", StringComparison.Ordinal));

    /// <summary>The elements of the pinhole's address set as nft lists them.</summary>
    private async Task<string> SetAsync(int id) =>
        (await _lab.ExecAsync(_lab.RouterNs, $"nft list set inet gateway ph_mac_{id}")).Stdout;
}

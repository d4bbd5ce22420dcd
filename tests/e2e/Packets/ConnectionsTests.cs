using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// GET /api/v1/connections and DELETE /api/v1/connections/{id} with real flows through the router: a port
/// forward from the WAN and a masqueraded connection from lan1, each listed with its translation, device and
/// kind; filters and paging; a kill that stops a running stream; and a kill that resets both peers of a forward.
/// </summary>
public sealed class ConnectionsTests(ConnectionsTests.Fixture fixture) : IClassFixture<ConnectionsTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    private async Task<JsonArray> ItemsAsync(string query) =>
        (await _api.GetJsonAsync($"/api/v1/connections?{query}"))["items"]!.AsArray();

    [Fact]
    public async Task ForwardedAndMasqueradedFlowsAreListedWithTranslationDeviceAndKindAndFilterAndPage()
    {
        await using var lan1 = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7500, "lan1");
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7600, "wan");
        var forward = await _api.CreateForwardAsync(_lab, new { name = "listed", protocol = "tcp", externalPort = 8500, internalAddress = Lan1Ip, internalPort = 7500 });
        using var inbound = await OpenTcpAsync(_lab.WanNs, RouterWanIp, 8500);
        using var outbound = await OpenTcpAsync(_lab.Lan1Ns, WanHostIp, 7600);
        Assert.NotNull(inbound);
        Assert.NotNull(outbound);
        Assert.Equal("lan1", await inbound.ExchangeAsync());
        Assert.Equal("wan", await outbound.ExchangeAsync());

        var forwarded = Assert.Single(await ItemsAsync("port=8500&protocol=tcp"))!;
        Assert.Equal(("forward", forward), (forwarded["kind"]!.GetValue<string>(), forwarded["kindId"]!.GetValue<int>()));
        Assert.Equal((WanHostIp, RouterWanIp, 8500), (forwarded["source"]!.GetValue<string>(), forwarded["destination"]!.GetValue<string>(), forwarded["destinationPort"]!.GetValue<int>()));
        Assert.Equal((Lan1Ip, 7500), (forwarded["translatedDestination"]!.GetValue<string>(), forwarded["translatedDestinationPort"]!.GetValue<int>()));
        Assert.Equal(_lab.Lan1Mac, forwarded["device"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("ESTABLISHED", forwarded["state"]!.GetValue<string>());
        Assert.True(forwarded["bytes"]!["original"]!.GetValue<long>() > 0, "no byte counters: nf_conntrack_acct is off");

        var masqueraded = Assert.Single(await ItemsAsync($"address={WanHostIp}&port=7600"))!;
        Assert.Equal((Lan1Ip, RouterWanIp), (masqueraded["source"]!.GetValue<string>(), masqueraded["translatedSource"]!.GetValue<string>()));
        Assert.Equal(_lab.Lan1Mac, masqueraded["device"]!.GetValue<string>(), ignoreCase: true);
        Assert.Null(masqueraded["kind"]);

        // Filters combine with AND; the translated address matches too.
        var ofLan1 = (await ItemsAsync($"device={_lab.Lan1Mac}&protocol=tcp&limit=1000")).Select(i => i!["id"]!.GetValue<uint>()).ToList();
        Assert.Contains(forwarded["id"]!.GetValue<uint>(), ofLan1);
        Assert.Contains(masqueraded["id"]!.GetValue<uint>(), ofLan1);
        Assert.Single(await ItemsAsync($"address={Lan1Ip}&port=8500"));
        Assert.Empty(await ItemsAsync("port=8500&protocol=udp"));

        // Pages of one walk every tcp entry once, newest first: the outbound flow was opened last.
        var seen = new List<uint>();
        string? cursor = null;
        long total;
        do
        {
            var page = await _api.GetJsonAsync($"/api/v1/connections?protocol=tcp&limit=1{(cursor is null ? "" : "&cursor=" + cursor)}");
            total = page["total"]!.GetValue<long>();
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<uint>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null && seen.Count < 50);

        Assert.True(seen.Count >= 2 && seen.Count == seen.Distinct().Count(), string.Join(",", seen));
        Assert.True(seen.IndexOf(masqueraded["id"]!.GetValue<uint>()) < seen.IndexOf(forwarded["id"]!.GetValue<uint>()), "not newest first");
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.GetAsync("/api/v1/connections?limit=0")).StatusCode);
        Assert.True(total >= seen.Count);
    }

    [Fact]
    public async Task KillStopsARunningStreamAndASecondKillIs404()
    {
        await using var wan = _lab.StartTcpEchoServer(_lab.WanNs, 7601, "wan");
        await using var arriving = await NsPacketCounter.CreateAsync(_lab, _lab.WanNs, "killed", "tcp dport 7601");
        using var stream = await OpenTcpAsync(_lab.Lan1Ns, WanHostIp, 7601);
        Assert.NotNull(stream);
        Assert.Equal("wan", await stream.ExchangeAsync());
        var row = Assert.Single(await ItemsAsync($"address={WanHostIp}&port=7601"))!;
        var id = row["id"]!.GetValue<uint>();

        await _api.DeleteAsync($"/api/v1/connections/{id}");
        var before = await arriving.PacketsAsync();

        // lan1 keeps sending (and retransmitting): not one of those segments reaches the WAN host.
        Assert.Null(await stream.ExchangeAsync(TimeSpan.FromSeconds(2)));
        Assert.Equal(before, await arriving.PacketsAsync());
        Assert.Empty(await ItemsAsync($"address={WanHostIp}&port=7601&protocol=tcp"));
        await _api.DeleteAsync($"/api/v1/connections/{id}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task KillOfAForwardedTcpFlowResetsTheWanClientAndTheLanServerWhenEachWritesNext()
    {
        await _api.CreateForwardAsync(_lab, new { name = "reset", protocol = "tcp", externalPort = 8502, internalAddress = Lan1Ip, internalPort = 7502 });
        using var pair = await TcpPair.OpenAsync(_lab.WanNs, RouterWanIp, 8502, _lab.Lan1Ns, 7502);
        Assert.True(await TcpPair.CarriesAsync(pair.Client, pair.Server));
        Assert.True(await TcpPair.CarriesAsync(pair.Server, pair.Client));
        var row = Assert.Single(await ItemsAsync("port=8502&protocol=tcp"))!;

        await _api.DeleteAsync($"/api/v1/connections/{row["id"]!.GetValue<uint>()}");

        // Each peer learns of the cut the moment it sends: the router answers its segment with a reset (without the
        // reset the guard drops the segment and the peer hears nothing until its own retransmit timeout).
        Assert.Equal(PeerOutcome.Reset, await TcpPair.WriteAndReadAsync(pair.Client, DefaultPacketTimeout));
        Assert.Equal(PeerOutcome.Reset, await TcpPair.WriteAndReadAsync(pair.Server, DefaultPacketTimeout));
        Assert.Empty(await ItemsAsync("port=8502&protocol=tcp"));
    }
}

using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Port-scan protection with real SYNs from the WAN host: a source that tries many distinct closed ports is blocked
/// from a forward that worked before (a second WAN source is not), listed with its expiry, kept across an unrelated
/// apply, freed by DELETE and freed by time; a source that tries a few ports, or one port many times, is not.
/// Short windows and blocks, so nothing waits out the defaults.
/// </summary>
public sealed class PortScanTests(PortScanTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<PortScanTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        protected override async Task OnSetUpAsync()
        {
            await Api.SetProtectionAsync(Lab, RulesApi.DefaultProtection(p => p["portScan"] = new JsonObject
            {
                ["enabled"] = true,
                ["ports"] = Ports,
                ["withinSeconds"] = 10,
                ["blockSeconds"] = BlockSeconds,
            }));
            Server = Lab.StartTcpEchoServer(Lab.Lan1Ns, ServerPort, "lan1-service");
            await Api.CreateForwardAsync(Lab, new
            {
                name = "scanned service",
                protocol = "tcp",
                externalPort = ForwardPort,
                internalAddress = Lan1Ip,
                internalPort = ServerPort,
            });
        }

        public IAsyncDisposable? Server { get; private set; }
    }

    private const int Ports = 10;
    private const int BlockSeconds = 12;
    private const int ServerPort = 7710;
    private const int ForwardPort = 8710;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task A_source_probing_twenty_closed_ports_is_blocked_listed_kept_across_an_apply_freed_and_ends_by_itself()
    {
        Assert.Equal("lan1-service", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostIp));

        // 20 SYNs to 20 closed ports (9100, 9101, ...) in 2 s.
        await Hping.RunAsync(_lab, _lab.WanNs, $"-S -p ++9100 -c 20 -i u100000 -a {WanHostIp} {RouterWanIp}");

        Assert.True(await Eventually.TrueAsync(async () => await BlockedAsync(WanHostIp) is not null, TimeSpan.FromSeconds(5)),
            "the scanning source is not in the block list");
        var listed = await BlockedAsync(WanHostIp);
        var expiresAt = DateTimeOffset.Parse(listed!["expiresAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        output.WriteLine($"blocked: {listed.ToJsonString()}");
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(BlockSeconds + 1));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostIp, timeout: TimeSpan.FromSeconds(2)));
        Assert.Equal("lan1-service", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostSecondIp));

        // An unrelated apply frees nobody: a new log rate changes the table's skeleton (its gw_log limit), so the
        // whole table is replaced, block sets included, not just updated element by element.
        await _api.SetLoggingAsync(_lab, new
        {
            droppedInput = "off",
            droppedForward = "off",
            portForwards = "off",
            macFilter = "off",
            dos = "notice",
            ratePerMinute = 601,
            burst = 50,
        });
        Assert.NotNull(await BlockedAsync(WanHostIp));
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostIp, timeout: TimeSpan.FromSeconds(2)));

        Assert.Contains("gateway_portscan_blocked_total ", await _api.GetTextAsync("/metrics"), StringComparison.Ordinal);

        await _api.DeleteAsync($"/api/v1/protection/blocked/{WanHostIp}");
        Assert.Null(await BlockedAsync(WanHostIp));
        Assert.Equal("lan1-service", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostIp));
        await _api.DeleteAsync($"/api/v1/protection/blocked/{WanHostIp}", HttpStatusCode.NotFound);
        await _api.DeleteAsync("/api/v1/protection/blocked/not-an-address", HttpStatusCode.BadRequest);

        // Blocked again, then freed by time alone.
        await Hping.RunAsync(_lab, _lab.WanNs, $"-S -p ++9300 -c 20 -i u100000 -a {WanHostIp} {RouterWanIp}");
        Assert.True(await Eventually.TrueAsync(async () => await BlockedAsync(WanHostIp) is not null, TimeSpan.FromSeconds(5)),
            "the second scan did not block the source");
        Assert.True(await Eventually.TrueAsync(async () => await BlockedAsync(WanHostIp) is null, TimeSpan.FromSeconds(BlockSeconds + 5)),
            "the block did not end by itself");
        Assert.Equal("lan1-service", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostIp));
        var metrics = await _api.GetTextAsync("/metrics");
        var total = metrics.Split('\n').Single(l => l.StartsWith("gateway_portscan_blocked_total ", StringComparison.Ordinal));
        output.WriteLine(total);
        Assert.True(long.Parse(total.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 2, total);
    }

    [Fact]
    public async Task A_source_touching_five_ports_or_one_port_twenty_times_is_not_blocked()
    {
        await Hping.RunAsync(_lab, _lab.WanNs, $"-S -p ++9500 -c 5 -i u100000 -a {WanHostSecondIp} {RouterWanIp}");
        await Hping.RunAsync(_lab, _lab.WanNs, $"-S -p 9600 -c 20 -i u100000 -a {WanHostSecondIp} {RouterWanIp}");

        Assert.Equal("lan1-service", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, ForwardPort, sourceIp: WanHostSecondIp));
        Assert.Null(await BlockedAsync(WanHostSecondIp));
    }

    private async Task<JsonObject?> BlockedAsync(string address) =>
        (await _api.GetJsonArrayAsync("/api/v1/protection/blocked")).OfType<JsonObject>()
            .FirstOrDefault(b => b["address"]?.GetValue<string>() == address);
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// nft log lines from the router namespace reach the kernel log (the lab sets nf_log_all_netns=1), the agent
/// reads them and the web serves them. Ports are random so lines from earlier runs cannot satisfy a test.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class FirewallLogTests(FirewallLogTests.Fixture fixture) : IClassFixture<FirewallLogTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task DroppedInputPacketIsLoggedAtTheConfiguredLevel()
    {
        await _api.SetLoggingAsync(_lab, Policy(droppedInput: "warn"));
        var port = RandomNumberGenerator.GetInt32(40000, 50000);

        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, port));

        var entry = await WaitForEntryAsync(e => e["destinationPort"]?.GetValue<int>() == port);
        Assert.Equal("warn", entry["level"]!.GetValue<string>());
        Assert.Equal("dropped-input", entry["category"]!.GetValue<string>());
        Assert.Equal(WanHostIp, entry["source"]!.GetValue<string>());
        Assert.Equal(RouterWanIp, entry["destination"]!.GetValue<string>());
        Assert.Equal(_lab.WanInterface, entry["inInterface"]!.GetValue<string>());

        // minLevel filters by severity: a warn entry is not among err and worse.
        var severe = await _api.GetJsonArrayAsync("/api/v1/logs?minLevel=err&limit=500");
        Assert.DoesNotContain(severe, e => e!["destinationPort"]?.GetValue<int>() == port);
    }

    [Fact]
    public async Task ForwardedConnectionIsLoggedWithItsForwardId()
    {
        await _api.SetLoggingAsync(_lab, Policy(portForwards: "notice"));
        var port = RandomNumberGenerator.GetInt32(50000, 60000);
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7300, "lan1-logged");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "logged",
            protocol = "tcp",
            externalPort = port,
            internalAddress = Lan1Ip,
            internalPort = 7300,
            logLevel = "notice",
        });
        try
        {
            Assert.Equal("lan1-logged", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, port));

            var entry = await WaitForEntryAsync(e => e["ruleId"]?.GetValue<int?>() == id && e["source"]?.GetValue<string>() == WanHostIp);
            Assert.Equal("notice", entry["level"]!.GetValue<string>());
            Assert.Equal("port-forward", entry["category"]!.GetValue<string>());
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    private static object Policy(string droppedInput = "off", string portForwards = "off") => new
    {
        droppedInput,
        droppedForward = "off",
        portForwards,
        macFilter = "off",
        ratePerMinute = 600,
        burst = 50,
    };

    private async Task<JsonObject> WaitForEntryAsync(Func<JsonObject, bool> match)
    {
        var clock = Stopwatch.StartNew();
        JsonArray entries = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            entries = await _api.GetJsonArrayAsync("/api/v1/logs?minLevel=debug&limit=500");
            if (entries.OfType<JsonObject>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(250);
        }

        throw new Xunit.Sdk.XunitException($"No matching log entry within 15s. Latest entries: {entries.ToJsonString()}");
    }
}

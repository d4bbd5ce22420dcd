using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>What the agent puts in the kernel: only its own table, user text only as comments, live counts.</summary>
public sealed class RulesetTests(RulesetTests.Fixture fixture) : IClassFixture<RulesetTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task HostileForwardNameCreatesNoTableAndStaysOutOfTheRuleText()
    {
        // Quotes, braces and semicolons that would close the comment and start a table if pasted raw.
        const string hostile = "x\" } } table inet evil { chain c { policy drop; } } ; # '";
        var tablesBefore = await _lab.RouterTablesAsync();
        var revisionBefore = (await _api.StatusAsync())["desiredRevision"]!.GetValue<long>();

        // A newline is refused outright and nothing is stored or applied.
        await _api.PostJsonAsync(GatewayApi.PortForwards, new
        {
            name = "two\nlines",
            protocol = "tcp",
            externalPort = 8600,
            internalAddress = Lan1Ip,
        }, HttpStatusCode.BadRequest);
        Assert.Equal(revisionBefore, (await _api.StatusAsync())["desiredRevision"]!.GetValue<long>());
        Assert.DoesNotContain(await _api.GetJsonArrayAsync(GatewayApi.PortForwards),
            forward => forward!["name"]!.GetValue<string>().Contains('\n', StringComparison.Ordinal));

        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7600, "lan1-hostile");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = hostile,
            protocol = "tcp",
            externalPort = 8600,
            internalAddress = Lan1Ip,
            internalPort = 7600,
        });
        try
        {
            Assert.Null((await _api.StatusAsync())["lastApplyError"]?.GetValue<string>());
            Assert.Equal(tablesBefore, await _lab.RouterTablesAsync());
            Assert.DoesNotContain(await _lab.RouterTablesAsync(), table => table.Contains("evil", StringComparison.Ordinal));

            var listed = await _lab.ExecAsync(_lab.RouterNs, "nft list ruleset");
            Assert.True(listed.Succeeded, listed.ToString());
            Assert.DoesNotContain(hostile, listed.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("chain c {", listed.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(hostile, await _api.GetTextAsync("/api/v1/ruleset"), StringComparison.Ordinal);

            // And the forward itself works: the name changed nothing but a comment.
            Assert.Equal("lan1-hostile", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8600));
            Assert.Equal(hostile, (await _api.GetJsonAsync($"{GatewayApi.PortForwards}/{id}"))["name"]!.GetValue<string>());

            // The same name on a MAC filter that is compiled in (deny-listed, a MAC no lab host has).
            await _api.CreateMacFilterAsync(_lab, new { mac = "02:00:00:00:00:99", name = hostile });
            await _api.SetMacPolicyAsync(_lab, "deny-listed");
            Assert.Null((await _api.StatusAsync())["lastApplyError"]?.GetValue<string>());
            Assert.Equal(tablesBefore, await _lab.RouterTablesAsync());
            var withFilter = await _lab.ExecAsync(_lab.RouterNs, "nft list ruleset");
            Assert.Contains("02:00:00:00:00:99", withFilter.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(hostile, withFilter.Stdout, StringComparison.Ordinal);
            Assert.Equal("lan1-hostile", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8600));
        }
        finally
        {
            await _api.ResetMacFilteringAsync(_lab);
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task ForeignTableInTheRouterIsLeftUntouchedAcrossApplies()
    {
        const string foreign = """
            table inet foreign {
              set friends { type ipv4_addr; elements = { 198.51.100.7, 198.51.100.8 } }
              chain input { type filter hook input priority 10; policy accept; ip saddr @friends tcp dport 4242 accept; }
            }
            """;
        var add = await _lab.ExecAsync(_lab.RouterNs, $"nft -f - <<'NFT'\n{foreign}\nNFT");
        Assert.True(add.Succeeded, add.ToString());
        try
        {
            var before = await ListForeignAsync();
            Assert.Contains("198.51.100.7", before, StringComparison.Ordinal);

            await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7700, "lan1-foreign");
            var id = await _api.CreateForwardAsync(_lab, new
            {
                name = "next to a foreign table",
                protocol = "tcp",
                externalPort = 8700,
                internalAddress = Lan1Ip,
                internalPort = 7700,
            });
            Assert.Equal("lan1-foreign", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8700));
            Assert.Equal(before, await ListForeignAsync());

            await _api.DeleteForwardAsync(_lab, id);
            Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8700));
            Assert.Equal(before, await ListForeignAsync());
            Assert.Contains("table inet gateway", await _lab.RouterTablesAsync());
        }
        finally
        {
            await _lab.ExecAsync(_lab.RouterNs, "nft delete table inet foreign");
        }
    }

    [Fact]
    public async Task HeldOpenConnectionIsCountedOnItsForward()
    {
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7200, "lan1-counted");
        var id = await _api.CreateForwardAsync(_lab, new
        {
            name = "counted",
            protocol = "tcp",
            externalPort = 8200,
            internalAddress = Lan1Ip,
            internalPort = 7200,
        });
        try
        {
            using var open = await OpenTcpAsync(_lab.WanNs, RouterWanIp, 8200);
            Assert.NotNull(open);
            Assert.Equal("lan1-counted", await open.ExchangeAsync());

            // Samples arrive once a second; wait for one taken while the connection is open.
            long connections = 0;
            var clock = Stopwatch.StartNew();
            while (connections < 1 && clock.Elapsed < TimeSpan.FromSeconds(15))
            {
                var sample = await _api.GetJsonAsync("/api/v1/conntrack");
                connections = sample["portForwards"]?.AsArray()
                    .Where(entry => entry!["id"]!.GetValue<int>() == id)
                    .Select(entry => entry!["connections"]!.GetValue<long>())
                    .FirstOrDefault() ?? 0;
                if (connections < 1)
                {
                    await Task.Delay(250);
                }
            }

            Assert.True(connections >= 1, $"forward {id} showed {connections} connections while one was open");
            var total = (await _api.GetJsonAsync("/api/v1/conntrack"))["total"]!.GetValue<long>();
            Assert.True(total >= 1, $"total was {total}");
        }
        finally
        {
            await _api.DeleteForwardAsync(_lab, id);
        }
    }

    [Fact]
    public async Task ConntrackStreamPushesFreshSamples()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/conntrack/stream");
        using var response = await _api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await ApiExtensions.ExpectStatusAsync(response, HttpStatusCode.OK, "GET /api/v1/conntrack/stream");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var sampledAt = new List<DateTimeOffset>();
        while (sampledAt.Count < 2 && await reader.ReadLineAsync(cts.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var sample = JsonNode.Parse(line["data:".Length..])!.AsObject();
                Assert.True(sample["max"]!.GetValue<long>() > 0, line);
                Assert.NotNull(sample["portForwards"]?.AsArray());
                sampledAt.Add(sample["sampledAt"]!.GetValue<DateTimeOffset>());
            }
        }

        Assert.Equal(2, sampledAt.Count);
        Assert.True(sampledAt[1] > sampledAt[0], $"samples not fresh: {sampledAt[0]:O}, {sampledAt[1]:O}");
    }

    private async Task<string> ListForeignAsync()
    {
        var listed = await _lab.ExecAsync(_lab.RouterNs, "nft list table inet foreign");
        Assert.True(listed.Succeeded, listed.ToString());
        return listed.Stdout;
    }
}

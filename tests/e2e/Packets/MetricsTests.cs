using System.Diagnostics;
using System.Globalization;
using System.Net;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// GET /metrics from the real web and agent in the lab, with real traffic behind it: a forward carrying a live
/// connection, a rule with kernel hits, log lines from the kernel — and promtool accepting the whole answer.
/// </summary>
[Collection(RunsAlone.Name)]
public sealed class MetricsTests(MetricsTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<MetricsTests.Fixture>
{
    public sealed class Fixture : LabFixture;

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    [Fact]
    public async Task MetricsShowTheForwardsConnectionsTheRulesHitsAndLogLinesAndPassPromtool()
    {
        const string forwardName = "web \"main\" \\ 🎮";
        await using var echo = _lab.StartTcpEchoServer(_lab.Lan1Ns, 2280, "lan1");
        var forward = await _api.CreateForwardAsync(_lab, new { name = forwardName, protocol = "tcp", externalPort = 8280, internalAddress = Lan1Ip, internalPort = 2280 });
        var rule = await _api.CreateRuleAsync(_lab, new
        {
            name = "refuse 8281",
            chain = "input",
            inInterface = _lab.WanInterface,
            protocol = "tcp",
            destinationPort = 8281,
            action = "reject",
            logLevel = "info",
        });
        try
        {
            using var held = await TcpConversation.OpenAsync(_lab.WanNs, RouterWanIp, 8280);
            Assert.NotNull(held);
            for (var i = 0; i < 3; i++)
            {
                await TcpProbe.ConnectAsync(_lab.WanNs, RouterWanIp, 8281, timeout: TimeSpan.FromSeconds(2));
            }

            Assert.True(await _api.WaitForHitsAsync(rule, 3) >= 3);
            var text = "";
            var seen = await Eventually.TrueAsync(async () =>
            {
                text = await _api.GetTextAsync("/metrics");
                return Value(text, $"gateway_forward_connections{{id=\"{forward}\",name=\"web \\\"main\\\" \\\\ 🎮\"}}") >= 1
                    && Value(text, $"gateway_rule_hits_packets_total{{id=\"{rule}\",name=\"refuse 8281\"}}") >= 3
                    && Value(text, "gateway_log_lines_total{category=\"rule\",level=\"info\"}") >= 1;
            }, TimeSpan.FromSeconds(20));
            output.WriteLine(text);
            Assert.True(seen, "the forward's connection, the rule's hits and its log lines did not all show in /metrics");

            Assert.Equal(1, Value(text, "gateway_agent_connected"));
            Assert.True(Value(text, "gateway_conntrack_max") > 0);
            Assert.True(Value(text, "gateway_conntrack_entries{family=\"ipv4\",protocol=\"tcp\"}") >= 1);
            Assert.True(Value(text, "gateway_applies_total{result=\"ok\"}") >= 1);
            Assert.True(Value(text, "gateway_apply_duration_seconds_count") >= 1);
            Assert.Equal(Value(text, "gateway_revision{kind=\"desired\"}"), Value(text, "gateway_revision{kind=\"applied\"}"));
            var bytes = Value(text, $"gateway_rule_hits_bytes_total{{id=\"{rule}\",name=\"refuse 8281\"}}");
            Assert.True(bytes >= 3 * 40, $"bytes {bytes}"); // three SYNs of at least 40 bytes

            var (exit, promtool) = await PromtoolAsync(text);
            Assert.True(exit == 0, promtool);

            // Monotonic across an apply that keeps the rule: another write, and the hits do not go down.
            var before = Value(text, $"gateway_rule_hits_packets_total{{id=\"{rule}\",name=\"refuse 8281\"}}");
            await _api.CreateForwardAsync(_lab, new { name = "another", protocol = "udp", externalPort = 8282, internalAddress = Lan1Ip });
            var after = Value(await _api.GetTextAsync("/metrics"), $"gateway_rule_hits_packets_total{{id=\"{rule}\",name=\"refuse 8281\"}}");
            Assert.True(after >= before, $"hits went from {before} to {after} across an apply");
        }
        finally
        {
            await _api.DeleteRuleAsync(_lab, rule);
        }
    }

    [Fact]
    public async Task WithoutATokenMetricsAre401()
    {
        var anonymous = _lab.CreateClient();
        var response = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>The sample's value for an exact series (name and labels as written), or -1 when absent.</summary>
    private static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static async Task<(int ExitCode, string Output)> PromtoolAsync(string exposition)
    {
        using var process = Process.Start(new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}

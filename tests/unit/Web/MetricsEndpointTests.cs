using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Api;

namespace Gateway.Tests.Unit.Web;

/// <summary>GET /metrics on real Kestrel, fed by a fake agent on a real socket: content, format (promtool) and access.</summary>
public sealed class MetricsEndpointTests
{
    private const string HostileName = "web \"main\" \\ C:\\x {a=\"b\"},";

    [Fact]
    public async Task Metrics_carry_the_agents_figures_with_names_and_pass_promtool()
    {
        await using var app = new SecurityHttpApplication();
        await app.CompleteSetupAsync();
        var token = await app.CreateTokenAsync();
        await using var agent = new FakeAgent(app.SocketPath);
        using var client = app.CreateClientWithToken(token);
        agent.WanStatus = new WanStatusReply(
            new WanStatus(Gateway.Shared.Config.WanMode.Dhcp, true, ["203.0.113.124/24"], "203.0.113.2", ["203.0.113.53"], DateTimeOffset.FromUnixTimeSeconds(1_800_000_000), null, DateTimeOffset.UtcNow),
            [new("address", 1), new("renewal", 3), new("prefix", 0), new("client-restart", 0)]);

        var forward = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/port-forwards",
            new { name = HostileName, protocol = "tcp", externalPort = 8080, internalAddress = "192.168.1.20" }));
        var rule = await IdOfAsync(await client.PostAsJsonAsync("/api/v1/rules", new { name = "block \"telnet\"", chain = "forward", action = "drop", quota = new { bytes = 200000, mode = "over" } }));
        var desired = await WaitAppliedAsync(client);

        agent.RefuseWith = "kernel said no";
        await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "off" }); // a write the agent refuses
        await Eventually(async () => (await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("lastApplyError").ValueKind == JsonValueKind.String);

        await agent.PushAsync(new ConntrackSample(
            7, 65536, new Dictionary<string, long> { ["tcp"] = 5, ["udp"] = 2, ["icmp"] = 0, ["other"] = 0 },
            [new ForwardConnections(forward, 3)], DateTimeOffset.UtcNow,
            Stats: new Dictionary<string, long> { ["insert_failed"] = 1, ["drop"] = 2, ["early_drop"] = 0 },
            ByFamily: new Dictionary<string, IReadOnlyDictionary<string, long>>
            {
                ["ipv4"] = new Dictionary<string, long> { ["tcp"] = 4, ["udp"] = 2, ["icmp"] = 0, ["other"] = 0 },
                ["ipv6"] = new Dictionary<string, long> { ["tcp"] = 1, ["udp"] = 0, ["icmp"] = 0, ["other"] = 0 },
            }));
        await agent.PushAsync(new CountersSample([new RuleHits(rule, 10, 1500)], DateTimeOffset.UtcNow, LogSuppressed: 4, Quotas: [new QuotaUse(rule, 120000)]));
        await agent.PushAsync(new LogEvent([Entry("dropped-input", FirewallLogLevel.Warn, null), Entry("dropped-input", FirewallLogLevel.Warn, null), Entry("rule", FirewallLogLevel.Info, rule)]));

        var text = "";
        await Eventually(async () =>
        {
            text = await client.GetStringAsync("/metrics");
            return text.Contains("gateway_log_lines_total{category=\"rule\"", StringComparison.Ordinal)
                && text.Contains("gateway_rule_hits_packets_total{", StringComparison.Ordinal)
                && text.Contains("gateway_conntrack_max 65536", StringComparison.Ordinal);
        });

        var lines = text.Split('\n');
        var escaped = "web \\\"main\\\" \\\\ C:\\\\x {a=\\\"b\\\"},";
        Assert.Contains($"gateway_forward_connections{{id=\"{forward}\",name=\"{escaped}\"}} 3", lines);
        Assert.Contains($"gateway_rule_hits_packets_total{{id=\"{rule}\",name=\"block \\\"telnet\\\"\"}} 10", lines);
        Assert.Contains($"gateway_rule_hits_bytes_total{{id=\"{rule}\",name=\"block \\\"telnet\\\"\"}} 1500", lines);
        Assert.Contains($"gateway_rule_quota_used_bytes{{id=\"{rule}\",name=\"block \\\"telnet\\\"\"}} 120000", lines);
        Assert.Contains("# TYPE gateway_rule_quota_used_bytes gauge", lines);
        Assert.Contains("gateway_conntrack_entries{family=\"ipv4\",protocol=\"tcp\"} 4", lines);
        Assert.Contains("gateway_conntrack_entries{family=\"ipv6\",protocol=\"tcp\"} 1", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("gateway_conntrack_entries{family=\"all\"", StringComparison.Ordinal));
        Assert.Contains("gateway_conntrack_stat_total{stat=\"insert_failed\"} 1", lines);
        Assert.Contains("gateway_conntrack_stat_total{stat=\"drop\"} 2", lines);
        Assert.Contains("gateway_log_lines_total{category=\"dropped-input\",level=\"warn\"} 2", lines);
        Assert.Contains("gateway_log_lines_total{category=\"rule\",level=\"info\"} 1", lines);
        Assert.Contains("gateway_log_lines_suppressed_total 4", lines);
        Assert.Contains("# TYPE gateway_log_lines_suppressed_total counter", lines);
        Assert.Contains("gateway_agent_connected 1", lines);
        Assert.Contains("gateway_wan_up 1", lines);
        Assert.Contains("gateway_wan_lease_expiry_timestamp_seconds 1800000000", lines);
        Assert.Contains("gateway_wan_changes_total{kind=\"renewal\"} 3", lines);
        Assert.Contains("# TYPE gateway_wan_changes_total counter", lines);
        Assert.Contains($"gateway_revision{{kind=\"applied\"}} {desired}", lines);
        Assert.Contains("gateway_applies_total{result=\"error\"} 1", lines);
        var ok = long.Parse(lines.Single(l => l.StartsWith("gateway_applies_total{result=\"ok\"}", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ok >= 1, text); // the connect snapshot, the forward and the rule: coalesced into one or more applies
        // The fake agent reports 1.5 ms per apply: every apply, ok or refused, lands in the first bucket.
        Assert.Contains($"gateway_apply_duration_seconds_bucket{{le=\"0.005\"}} {ok + 1}", lines);
        Assert.Contains($"gateway_apply_duration_seconds_count {ok + 1}", lines);

        var (exit, output) = await Promtool.CheckMetricsAsync(text);
        Assert.True(exit == 0, output + "\n" + text);

        // An agent that does not report suppressed log lines: the family has no sample (unknown is not zero).
        await agent.PushAsync(new CountersSample([new RuleHits(rule, 11, 1600)], DateTimeOffset.UtcNow));
        await Eventually(async () =>
        {
            text = await client.GetStringAsync("/metrics");
            return text.Contains($"gateway_rule_hits_packets_total{{id=\"{rule}\",name=\"block \\\"telnet\\\"\"}} 11", StringComparison.Ordinal);
        });
        Assert.Contains("# TYPE gateway_log_lines_suppressed_total counter", text.Split('\n'));
        Assert.DoesNotContain(text.Split('\n'), l => l.StartsWith("gateway_log_lines_suppressed_total ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_token_metrics_are_401_with_a_wrong_one_too_and_with_a_token_200()
    {
        await using var app = new SecurityHttpApplication(new Dictionary<string, string> { ["Metrics:AllowAnonymousFrom:0"] = "10.99.0.0/16" });
        await app.CompleteSetupAsync();
        var token = await app.CreateTokenAsync();

        using var anonymous = app.CreateApiClient();
        var refused = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        using var wrong = app.CreateClientWithToken("gw_" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/metrics")).StatusCode);

        using var client = app.CreateClientWithToken(token);
        var served = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", served.Content.Headers.ContentType?.ToString());
        Assert.Contains("gateway_agent_connected 0", await served.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_inside_an_allowed_cidr_scrapes_without_a_token()
    {
        await using var app = new SecurityHttpApplication(new Dictionary<string, string> { ["Metrics:AllowAnonymousFrom:0"] = "127.0.0.0/8" });
        await app.CompleteSetupAsync();
        using var anonymous = app.CreateApiClient();
        var served = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var (exit, output) = await Promtool.CheckMetricsAsync(await served.Content.ReadAsStringAsync());
        Assert.True(exit == 0, output);
    }

    private static FirewallLogEntry Entry(string category, FirewallLogLevel level, int? ruleId) =>
        new(DateTimeOffset.UtcNow, level, category, ruleId, "TCP 203.0.113.9:40000 → 198.51.100.1:22 in wan0", "wan0", null, "203.0.113.9", "198.51.100.1", "tcp", 40000, 22, null);

    private static async Task<int> IdOfAsync(HttpResponseMessage created)
    {
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    private static async Task<long> WaitAppliedAsync(HttpClient client)
    {
        long desired = -1;
        await Eventually(async () =>
        {
            var status = await client.GetFromJsonAsync<JsonElement>("/api/v1/status");
            desired = status.GetProperty("desiredRevision").GetInt64();
            return status.GetProperty("appliedRevision").GetInt64() == desired;
        });
        return desired;
    }

    /// <summary>Polls until true; fails after 20 s (a hang guard, not a timing assertion).</summary>
    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 20 s.");
            await Task.Delay(50);
        }
    }
}

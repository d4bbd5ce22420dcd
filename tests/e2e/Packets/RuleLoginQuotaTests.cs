using System.Net;
using System.Security.Cryptography;
using Gateway.Tests.E2e.Lab;
using Xunit.Abstractions;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Packets;

/// <summary>
/// Output rules that match the sending process's user or group, and rule quotas that count every byte of a transfer
/// (established packets included), proven with real connections: the router's own as another account (setpriv), and
/// 1 MB uploads from a LAN host to the WAN host through the forward chain. One lab for the class.
/// </summary>
public sealed class RuleLoginQuotaTests(RuleLoginQuotaTests.Fixture fixture, ITestOutputHelper output)
    : IClassFixture<RuleLoginQuotaTests.Fixture>, IAsyncLifetime
{
    public sealed class Fixture : LabFixture;

    private const int OneMegabyte = 1_000_000;

    // Long enough for a 1 MB transfer on veth links many times over; what has not arrived by then was dropped.
    private static readonly TimeSpan TransferWindow = TimeSpan.FromSeconds(4);

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    public async Task InitializeAsync() => await _api.DeleteAllRulesAsync(_lab);

    public async Task DisposeAsync() => await _api.DeleteAllRulesAsync(_lab);

    [Fact]
    public async Task A_user_reject_rule_refuses_nobodys_connections_from_the_router_while_roots_pass()
    {
        var port = RandomNumberGenerator.GetInt32(20000, 30000);
        await using var server = _lab.StartTcpEchoServer(_lab.WanNs, port, "wan");
        Assert.True(await ConnectsAsync("nobody", "nogroup", port), "before the rule nobody connects");

        await _api.CreateRuleAsync(_lab, new { name = "no nobody", chain = "output", protocol = "tcp", destinationPort = port, action = "reject", user = "nobody" });

        Assert.False(await ConnectsAsync("nobody", "nogroup", port), "nobody's connection passed the reject rule");
        Assert.True(await ConnectsAsync(null, null, port), "root's connection was refused too");
        Assert.True(await ConnectsAsync("daemon", "nogroup", port), "another user of the same group was refused by a user rule");
        Assert.Contains("meta skuid 65534", await _api.GetTextAsync("/api/v1/ruleset"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_group_reject_rule_refuses_that_groups_connections_while_other_groups_pass()
    {
        var port = RandomNumberGenerator.GetInt32(30000, 40000);
        await using var server = _lab.StartTcpEchoServer(_lab.WanNs, port, "wan");

        await _api.CreateRuleAsync(_lab, new { name = "no nogroup", chain = "output", protocol = "tcp", destinationPort = port, action = "reject", group = "nogroup" });

        Assert.False(await ConnectsAsync("daemon", "nogroup", port), "a nogroup process's connection passed the reject rule");
        Assert.True(await ConnectsAsync("daemon", "daemon", port), "the same user in another group was refused");
        Assert.True(await ConnectsAsync(null, null, port), "root's connection was refused");
    }

    [Fact]
    public async Task An_until_quota_stops_a_transfer_near_its_size_keeps_its_use_across_an_apply_and_a_reset_starts_it_again()
    {
        var port = RandomNumberGenerator.GetInt32(40000, 50000);
        await using var sink = ByteSink.Start(_lab.WanNs, port);
        var capped = await _api.CreateRuleAsync(_lab, new
        {
            name = "upload cap",
            chain = "forward",
            protocol = "tcp",
            destinationPort = port,
            action = "accept",
            quota = new { bytes = 200_000, mode = "until" },
        });
        await _api.CreateRuleAsync(_lab, new { name = "then nothing", chain = "forward", protocol = "tcp", destinationPort = port, action = "drop" });

        await ByteSink.SendAsync(_lab.Lan1Ns, WanHostIp, port, OneMegabyte, TransferWindow);
        var first = await ArrivedAsync(sink, 1, OneMegabyte);
        output.WriteLine($"1 MB behind a 200 KB until quota: {first} bytes arrived");
        Assert.InRange(first, 100_000, 200_000);
        var used = await QuotaUsedAsync(capped, atLeast: 200_000);
        output.WriteLine($"quotaUsedBytes after the transfer: {used}");

        // An unrelated apply that rebuilds the table (a rule added) does not refill the quota.
        await _api.CreateRuleAsync(_lab, new { name = "unrelated", chain = "input", protocol = "udp", destinationPort = 9, action = "drop" });
        Assert.True(await QuotaUsedAsync(capped, atLeast: 200_000) >= 200_000);
        await ByteSink.SendAsync(_lab.Lan1Ns, WanHostIp, port, 50_000, TransferWindow);
        Assert.Equal(0, await ArrivedAsync(sink, 2, 50_000));

        using var reset = await _api.PostAsync($"/api/v1/rules/{capped}/reset-quota", null);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);

        Assert.True(await ByteSink.SendAsync(_lab.Lan1Ns, WanHostIp, port, 100_000, TransferWindow));
        var connection = sink.Connections;
        Assert.Equal(100_000, await ArrivedAsync(sink, connection, 100_000));
    }

    [Fact]
    public async Task An_over_quota_drop_rule_passes_the_first_bytes_and_then_matches()
    {
        var port = RandomNumberGenerator.GetInt32(50000, 60000);
        await using var sink = ByteSink.Start(_lab.WanNs, port);
        await _api.CreateRuleAsync(_lab, new
        {
            name = "after 100 KB, nothing",
            chain = "forward",
            protocol = "tcp",
            destinationPort = port,
            action = "drop",
            quota = new { bytes = 100_000, mode = "over" },
        });

        await ByteSink.SendAsync(_lab.Lan1Ns, WanHostIp, port, OneMegabyte, TransferWindow);
        var arrived = await ArrivedAsync(sink, 1, OneMegabyte);

        output.WriteLine($"1 MB behind a 100 KB over quota on a drop rule: {arrived} bytes arrived");
        Assert.InRange(arrived, 30_000, 100_000);
    }

    /// <summary>Whether a TCP connection from the router to the WAN host opens, run as that user and group (root when null).</summary>
    private async Task<bool> ConnectsAsync(string? user, string? group, int port)
    {
        var prefix = user is null ? string.Empty : $"setpriv --reuid={user} --regid={group} --clear-groups ";
        var result = await _lab.ExecAsync(_lab.RouterNs, $"{prefix}timeout 3 bash -c 'exec 3<>/dev/tcp/{WanHostIp}/{port} && echo connected'");
        output.WriteLine($"{user ?? "root"}/{group ?? "root"} → {port}: exit {result.ExitCode} {result.Stdout.Trim()} {result.Stderr.Trim()}");
        return result.ExitCode == 0 && result.Stdout.Contains("connected", StringComparison.Ordinal);
    }

    /// <summary>The bytes connection <paramref name="connection"/> delivered once all of them did, or when the window closed.</summary>
    private static async Task<long> ArrivedAsync(ByteSink sink, int connection, int expected)
    {
        await Eventually.TrueAsync(() => Task.FromResult(sink.Received(connection) >= expected), TransferWindow);
        return sink.Received(connection);
    }

    /// <summary>The rule's hits.quotaUsedBytes once it reaches <paramref name="atLeast"/> (the counters are sampled every few seconds).</summary>
    private async Task<long> QuotaUsedAsync(int id, long atLeast)
    {
        long used = 0;
        await Eventually.TrueAsync(
            async () =>
            {
                var rule = await _api.GetJsonAsync($"{RulesApi.Rules}/{id}");
                used = rule["hits"]!["quotaUsedBytes"]!.GetValue<long>();
                return used >= atLeast;
            },
            TimeSpan.FromSeconds(12));
        return used;
    }
}

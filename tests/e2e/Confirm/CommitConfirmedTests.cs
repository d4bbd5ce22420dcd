using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;
using static Gateway.Tests.E2e.Lab.Lab;

namespace Gateway.Tests.E2e.Confirm;

/// <summary>
/// Commit-confirmed apply over REST, with real packets and the web in the router namespace (so a LAN host reaches the
/// panel through the router's firewall): the LAN interface moved to a bridge port (<c>lan1</c>, a link that exists, so
/// the agent applies it) closes the router to the LAN until the agent puts the previous ruleset back.
/// </summary>
public sealed class CommitConfirmedTests(CommitConfirmedTests.Fixture fixture) : IClassFixture<CommitConfirmedTests.Fixture>
{
    public sealed class Fixture : LabFixture
    {
        protected override LabOptions Options => new() { Name = "commit-confirmed", WebInRouterNamespace = true };
    }

    private readonly Lab.Lab _lab = fixture.Lab;
    private readonly HttpClient _api = fixture.Api;

    /// <summary>A wrong LAN interface: a port of the LAN bridge, so input from the bridge is no longer the LAN's.</summary>
    private const string WrongLan = "lan1";

    private async Task<bool> LanReachesThePanelAsync()
    {
        var client = _lab.CreateClientIn(_lab.Lan1Ns, RouterLanIp, TimeSpan.FromSeconds(3));
        try
        {
            using var response = await client.GetAsync("/login");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<long> PutLanAsync(string lan, int confirmSeconds)
    {
        var network = await _api.GetJsonAsync("/api/v1/network");
        network["lanInterface"] = lan;
        await _api.PutJsonAsync($"/api/v1/network?confirm={confirmSeconds}", network);
        return await ConfirmProbe.DesiredAsync(_api);
    }

    [Fact]
    public async Task AnUnconfirmedLanChangeIsRevertedAtTheDeadlineAndTheLanReachesThePanelAgain()
    {
        await _lab.WaitAppliedAsync(_api);
        var table = await ConfirmProbe.TableAsync(_lab);
        var config = await ConfirmProbe.ConfigAsync(_api);
        var restored = await ConfirmProbe.DesiredAsync(_api);
        Assert.True(await LanReachesThePanelAsync());

        var risky = await PutLanAsync(WrongLan, 15);
        await ConfirmProbe.WaitPendingAsync(_api, risky);
        Assert.NotEqual(table, await ConfirmProbe.TableAsync(_lab));
        Assert.False(await LanReachesThePanelAsync(), "the wrong LAN interface should have closed the router to the LAN");

        await ConfirmProbe.WaitRevertStoredAsync(_api, risky, TimeSpan.FromSeconds(60));
        Assert.Equal(table, await ConfirmProbe.TableAsync(_lab));
        Assert.Equal(config, await ConfirmProbe.ConfigAsync(_api));
        Assert.Equal(risky + 1, await ConfirmProbe.DesiredAsync(_api));
        Assert.True(await LanReachesThePanelAsync());
        Assert.Contains(ConfirmProbe.RevertLine(risky, 15, restored), await ConfirmProbe.AgentLogAsync(_lab), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfirmedWriteIsKeptPastItsDeadlineAndBadConfirmValuesAreRefused()
    {
        await _lab.WaitAppliedAsync(_api);
        var desired = await ConfirmProbe.DesiredAsync(_api);
        foreach (var bad in new[] { "4", "3601", "abc", "10&confirm=20" })
        {
            using var response = await _api.PostAsJsonAsync($"/api/v1/port-forwards?confirm={bad}", new { name = "never", protocol = "tcp", externalPort = 8600, internalAddress = Lan1Ip, internalPort = 7600 });
            await ApiExtensions.ExpectStatusAsync(response, HttpStatusCode.BadRequest, $"confirm={bad}");
            var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.NotNull(problem?["errors"]?["confirm"]);
        }

        Assert.Equal(desired, await ConfirmProbe.DesiredAsync(_api)); // nothing stored
        using (var nothing = await _api.PostAsync("/api/v1/apply/confirm", null))
        {
            await ApiExtensions.ExpectStatusAsync(nothing, HttpStatusCode.Conflict, "confirm with nothing pending");
        }

        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7600, "kept");
        await _api.PostJsonAsync("/api/v1/port-forwards?confirm=10", new { name = "kept", protocol = "tcp", externalPort = 8600, internalAddress = Lan1Ip, internalPort = 7600 });
        var revision = await ConfirmProbe.DesiredAsync(_api);
        var deadline = await ConfirmProbe.WaitPendingAsync(_api, revision);

        var confirmed = await _api.PostJsonAsync("/api/v1/apply/confirm", new { }, HttpStatusCode.OK);
        Assert.Equal(revision, confirmed!["revision"]!.GetValue<long>());
        Assert.Null(await ConfirmProbe.PendingAsync(_api));

        await ConfirmProbe.SleepPastAsync(deadline, TimeSpan.FromSeconds(3));
        Assert.Equal(revision, await ConfirmProbe.DesiredAsync(_api));
        Assert.Equal(revision, (await _api.StatusAsync())["appliedRevision"]!.GetValue<long>());
        Assert.Equal("kept", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8600));
        Assert.DoesNotContain($"revision {revision} was not confirmed", await ConfirmProbe.AgentLogAsync(_lab), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAgentKilledInsideTheWindowRevertsAtTheSameDeadlineOrAtOnceWhenItIsPast()
    {
        await _lab.WaitAppliedAsync(_api);
        var table = await ConfirmProbe.TableAsync(_lab);
        var config = await ConfirmProbe.ConfigAsync(_api);

        // Restarted inside the window: the timer runs on to the same deadline.
        var restored = await ConfirmProbe.DesiredAsync(_api);
        var risky = await PutLanAsync(WrongLan, 25);
        var deadline = await ConfirmProbe.WaitPendingAsync(_api, risky);
        await _lab.StopAgentAsync(kill: true);
        await _lab.StartAgentAsync();
        Assert.Equal(deadline, await ConfirmProbe.WaitPendingAsync(_api, risky));
        await ConfirmProbe.WaitRevertStoredAsync(_api, risky, TimeSpan.FromSeconds(60));
        Assert.Equal(table, await ConfirmProbe.TableAsync(_lab));
        Assert.Equal(config, await ConfirmProbe.ConfigAsync(_api));
        Assert.Contains(ConfirmProbe.RevertLine(risky, 25, restored), await ConfirmProbe.AgentLogAsync(_lab), StringComparison.Ordinal);

        // Down past the deadline: reverted before the socket opens, and the web hears of it on its next hello.
        restored = await ConfirmProbe.DesiredAsync(_api);
        risky = await PutLanAsync(WrongLan, 5);
        deadline = await ConfirmProbe.WaitPendingAsync(_api, risky);
        await _lab.StopAgentAsync(kill: true);
        await ConfirmProbe.SleepPastAsync(deadline, TimeSpan.FromSeconds(1));
        Assert.NotEqual(table, await ConfirmProbe.TableAsync(_lab)); // the kernel kept the unconfirmed table meanwhile
        await _lab.StartAgentAsync();
        Assert.Equal(table, await ConfirmProbe.TableAsync(_lab));
        await ConfirmProbe.WaitRevertStoredAsync(_api, risky, TimeSpan.FromSeconds(30));
        Assert.Equal(config, await ConfirmProbe.ConfigAsync(_api));
        Assert.True(await LanReachesThePanelAsync());
        Assert.Contains(ConfirmProbe.RevertLine(risky, 5, restored), await ConfirmProbe.AgentLogAsync(_lab), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWriteWithConfirmInsideTheWindowExtendsItAndTheRevertCoversBoth()
    {
        await _lab.WaitAppliedAsync(_api);
        var table = await ConfirmProbe.TableAsync(_lab);
        var config = await ConfirmProbe.ConfigAsync(_api);

        var risky = await PutLanAsync(WrongLan, 15);
        var deadline = await ConfirmProbe.WaitPendingAsync(_api, risky);

        // A write with ?confirm during the window becomes the pending revision with a later deadline; the restore
        // point stays the state before the first trial write.
        await _api.PostJsonAsync("/api/v1/port-forwards?confirm=20", new { name = "folded", protocol = "tcp", externalPort = 8601, internalAddress = Lan1Ip, internalPort = 7601 });
        var folded = await ConfirmProbe.DesiredAsync(_api);
        Assert.True(await ConfirmProbe.WaitPendingAsync(_api, folded) > deadline);
        Assert.Contains("folded", await ConfirmProbe.TableAsync(_lab), StringComparison.Ordinal);

        await ConfirmProbe.WaitRevertStoredAsync(_api, folded, TimeSpan.FromSeconds(60));
        Assert.Equal(table, await ConfirmProbe.TableAsync(_lab));
        Assert.Equal(config, await ConfirmProbe.ConfigAsync(_api));
        Assert.True(await LanReachesThePanelAsync());
    }

    [Fact]
    public async Task APlainDeleteInsideATrialConfirmsItAndIsNeverUndone()
    {
        await _lab.WaitAppliedAsync(_api);
        await using var server = _lab.StartTcpEchoServer(_lab.Lan1Ns, 7602, "exposed");
        var forward = await _api.PostJsonAsync("/api/v1/port-forwards", new { name = "exposed", protocol = "tcp", externalPort = 8602, internalAddress = Lan1Ip, internalPort = 7602 });
        var id = forward!["id"]!.GetValue<int>();
        await _lab.WaitAppliedAsync(_api);
        Assert.Equal("exposed", await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8602));

        // Someone (another tab, a script) puts protection on trial for 8 s...
        var protection = await _api.GetJsonAsync("/api/v1/protection");
        protection["wanPing"] = !protection["wanPing"]!.GetValue<bool>();
        await _api.PutJsonAsync("/api/v1/protection?confirm=8", protection);
        var trial = await ConfirmProbe.DesiredAsync(_api);
        var deadline = await ConfirmProbe.WaitPendingAsync(_api, trial);

        // ...and the owner closes the exposure with a plain DELETE: it confirms the trial and says so.
        using (var deleted = await _api.DeleteAsync($"/api/v1/port-forwards/{id}"))
        {
            await ApiExtensions.ExpectStatusAsync(deleted, HttpStatusCode.NoContent, "plain delete inside a trial");
            Assert.Equal(trial.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Assert.Single(deleted.Headers.GetValues("Gateway-Confirmed-Trial")));
        }

        var closed = await ConfirmProbe.DesiredAsync(_api);
        Assert.True(await Eventually.TrueAsync(async () => await ConfirmProbe.PendingAsync(_api) is null, TimeSpan.FromSeconds(20)));
        await _lab.WaitAppliedAsync(_api);

        // Past the deadline nothing came back: the forward stays deleted and closed, the protection change stays.
        await ConfirmProbe.SleepPastAsync(deadline, TimeSpan.FromSeconds(3));
        Assert.Equal(closed, await ConfirmProbe.DesiredAsync(_api));
        using (var gone = await _api.GetAsync($"/api/v1/port-forwards/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        Assert.DoesNotContain(await _api.GetJsonArrayAsync("/api/v1/port-forwards"), f => f!["name"]!.GetValue<string>() == "exposed");
        Assert.Null(await TcpExchangeAsync(_lab.WanNs, RouterWanIp, 8602, timeout: TimeSpan.FromSeconds(2)));
        Assert.Equal(protection["wanPing"]!.GetValue<bool>(), (await _api.GetJsonAsync("/api/v1/protection"))["wanPing"]!.GetValue<bool>());
        Assert.DoesNotContain($"revision {trial} was not confirmed", await ConfirmProbe.AgentLogAsync(_lab), StringComparison.Ordinal);

        // A plain write with nothing pending says nothing.
        using var plain = await _api.PostAsJsonAsync("/api/v1/port-forwards", new { name = "later", protocol = "tcp", externalPort = 8603, internalAddress = Lan1Ip, internalPort = 7603 });
        await ApiExtensions.ExpectStatusAsync(plain, HttpStatusCode.Created, "plain write, nothing pending");
        Assert.False(plain.Headers.Contains("Gateway-Confirmed-Trial"));
    }
}

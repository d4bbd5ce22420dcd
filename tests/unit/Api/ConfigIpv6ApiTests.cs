using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Whole-config backup/restore of network.lanIpv6 and pinholes; setup with lanIpv6.</summary>
public sealed class ConfigIpv6ApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private const string Network = "{\"wanInterface\":\"ppp*\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":true}";

    private const string Rest = ",\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":"
        + "{\"droppedInput\":\"off\",\"droppedForward\":\"off\",\"portForwards\":\"off\",\"macFilter\":\"off\",\"ratePerMinute\":60,\"burst\":10}";

    private static string Head => "{\"network\":" + Network + Rest;

    [Fact]
    public async Task Lan_ipv6_and_pinholes_round_trip_through_a_backup_and_missing_keys_mean_off_and_none()
    {
        using var client = app.CreateAuthorizedClient();
        var restore = "{\"network\":{\"wanInterface\":\"ppp*\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":true,\"lanIpv6\":\"FD00:1:2:3::1/64\"}" + Rest
            + ",\"pinholes\":["
            + "{\"name\":\"web\",\"protocol\":\"tcp\",\"port\":443,\"hostSuffix\":\"0:0:0:0:0:0:0:10\"},"
            + "{\"name\":\"game\",\"enabled\":false,\"protocol\":\"both\",\"port\":3074,\"portEnd\":3075,\"mac\":\"AA-BB-CC-00-11-22\",\"sourceCidr\":\"2001:DB8::/32\"}]}";
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsync("/api/v1/config", RuleApiTests.Json(restore));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal("fd00:1:2:3::1/64", (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanIpv6").GetString());
        var pinholes = (await client.GetFromJsonAsync<JsonElement>("/api/v1/pinholes")).EnumerateArray().ToList();
        Assert.Equal(["web", "game"], pinholes.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("::10", pinholes[0].GetProperty("hostSuffix").GetString());
        Assert.True(pinholes[0].GetProperty("enabled").GetBoolean());
        Assert.Equal("aa:bb:cc:00:11:22", pinholes[1].GetProperty("mac").GetString());
        Assert.Equal("2001:db8::/32", pinholes[1].GetProperty("sourceCidr").GetString());

        // The backup carries each pinhole as its resource, ids included; restoring it as is changes nothing.
        var backupText = await client.GetStringAsync("/api/v1/config");
        var backup = JsonDocument.Parse(backupText).RootElement;
        Assert.Equal(pinholes[1].GetRawText(), backup.GetProperty("pinholes")[1].GetRawText());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(backupText))).StatusCode);
        Assert.Equal(backupText, await client.GetStringAsync("/api/v1/config"));

        // Without the keys: IPv6 off (the closed state) and no pinholes.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(Head + "}"))).StatusCode);
        var emptied = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.Equal(JsonValueKind.Null, emptied.GetProperty("network").GetProperty("lanIpv6").ValueKind);
        Assert.Empty(emptied.GetProperty("pinholes").EnumerateArray());

        // Deleted ids don't come back (they are ct marks).
        var oldId = pinholes[0].GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", RuleApiTests.Json(backupText))).StatusCode);
        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonElement>("/api/v1/pinholes")).EnumerateArray(), p => p.GetProperty("id").GetInt32() == oldId);
    }

    [Theory]
    [InlineData(",\"pinholes\":[{\"name\":\"p\",\"protocol\":\"tcp\"}]", "pinholes[0].port")]
    [InlineData(",\"pinholes\":[{\"name\":\"p\",\"protocol\":\"tcp\",\"port\":1}]", "pinholes[0].hostSuffix")]
    [InlineData(",\"pinholes\":[{\"name\":\"p\",\"protocol\":\"tcp\",\"port\":1,\"hostSuffix\":\"::1\"},{\"name\":\"q\",\"protocol\":\"tcp\",\"port\":1,\"hostSuffix\":\"::10%eth0\"}]", "pinholes[1].hostSuffix")]
    [InlineData(",\"pinholes\":[{\"name\":\"p\",\"protocol\":\"tcp\",\"port\":1,\"hostSuffix\":\"::ffff:10.0.0.1\"}]", "pinholes[0].hostSuffix")]
    [InlineData(",\"pinholes\":[{\"name\":\"p\",\"protocol\":\"tcp\",\"port\":1,\"hostSuffix\":\"::1\",\"mac\":\"02:00:00:00:00:01\"}]", "pinholes[0].mac")]
    [InlineData(",\"pinholes\":[null]", "pinholes[0]")]
    [InlineData(",\"pinholes\":[{\"name\":\"p\",\"protocol\":\"tcp\"}],\"redirects\":[{\"name\":\"r\",\"port\":1,\"toPort\":2}]", "redirects[0].protocol")]
    public async Task Bad_pinholes_in_a_restore_are_400_at_their_path_and_nothing_changes(string extra, string field)
    {
        await AssertRestoreRefusedAsync(Head + extra + "}", HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_bad_lan_ipv6_in_a_restore_is_400_at_network_lan_ipv6()
    {
        var body = "{\"network\":{\"wanInterface\":\"ppp*\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"lanIpv6\":\"[2001:db8::1]/64\"}" + Rest + "}";
        await AssertRestoreRefusedAsync(body, HttpStatusCode.BadRequest, "network.lanIpv6");
    }

    [Fact]
    public async Task Two_enabled_pinholes_of_a_restore_opening_the_same_host_and_port_are_409()
    {
        var extra = ",\"pinholes\":[{\"name\":\"a\",\"protocol\":\"tcp\",\"port\":80,\"portEnd\":90,\"hostSuffix\":\"::5\"},{\"name\":\"b\",\"protocol\":\"both\",\"port\":85,\"hostSuffix\":\"0::5\"}]";
        await AssertRestoreRefusedAsync(Head + extra + "}", HttpStatusCode.Conflict, "pinholes[1].port");
    }

    private async Task AssertRestoreRefusedAsync(string body, HttpStatusCode status, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/config");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PutAsync("/api/v1/config", RuleApiTests.Json(body));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, text);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Equal(before, await client.GetStringAsync("/api/v1/config"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }
}

/// <summary>Setup with <c>lanIpv6</c>: stored canonically, or refused naming it with nothing set up.</summary>
public sealed class SetupIpv6Tests : IAsyncLifetime
{
    private readonly GatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_bad_lan_ipv6_is_400_and_setup_stays_open_then_a_static_one_is_stored()
    {
        using var client = _app.CreateApiClient();
        var bad = await client.PostAsJsonAsync("/api/v1/setup", Body("fe80::1%br-lan/64"));
        var text = await bad.Content.ReadAsStringAsync();
        Assert.True(bad.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty("lanIpv6", out _), text);
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/setup")).GetProperty("completed").GetBoolean());

        var done = await client.PostAsJsonAsync("/api/v1/setup", Body("2001:DB8:1::1/64"));
        Assert.True(done.StatusCode == HttpStatusCode.Created, await done.Content.ReadAsStringAsync());
        using var authorized = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        Assert.Equal("2001:db8:1::1/64", (await authorized.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanIpv6").GetString());
    }

    [Fact]
    public async Task An_empty_lan_ipv6_in_setup_is_400_not_off()
    {
        using var client = _app.CreateApiClient();
        var bad = await client.PostAsJsonAsync("/api/v1/setup", Body(""));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True(JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("lanIpv6", out _));
        Assert.False((await client.GetFromJsonAsync<JsonElement>("/api/v1/setup")).GetProperty("completed").GetBoolean());
    }

    [Fact]
    public async Task Setup_without_lan_ipv6_leaves_ipv6_off()
    {
        using var client = _app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/setup", GatewayApplication.ValidSetup)).StatusCode);
        using var authorized = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        Assert.Equal(JsonValueKind.Null, (await authorized.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanIpv6").ValueKind);
    }

    private static object Body(string lanIpv6) => new
    {
        adminPassword = GatewayApplication.Password,
        wanInterface = "ppp*",
        lanInterface = "br-lan",
        lanAddress = "192.168.1.1/24",
        masquerade = true,
        lanIpv6,
    };
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Unit.Api;

/// <summary>Setup's DHCP, the LAN move, and DHCP/DNS/static leases in a backup: each on a fresh router.</summary>
public sealed class LanSetupAndBackupTests : IAsyncLifetime
{
    private readonly GatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Setup_may_carry_dhcp_and_refuses_a_range_outside_the_lan_storing_nothing()
    {
        using var client = _app.CreateApiClient();
        var bad = new JsonObject
        {
            ["adminPassword"] = GatewayApplication.Password,
            ["wanInterface"] = "ppp*",
            ["lanInterface"] = "br-lan",
            ["lanAddress"] = "10.0.0.1/16",
            ["dhcp"] = new JsonObject { ["rangeStart"] = "192.168.1.100", ["rangeEnd"] = "192.168.1.200" },
        };
        var refused = await client.PostAsJsonAsync("/api/v1/setup", bad);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("dhcp.rangeStart", out _));
        Assert.Equal(0, await _app.CountRowsAsync("AdminUsers"));

        bad["dhcp"] = new JsonObject { ["rangeStart"] = "10.0.5.10", ["rangeEnd"] = "10.0.5.20", ["domain"] = "home" };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/setup", bad)).StatusCode);
        using var authorized = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        var dhcp = await authorized.GetFromJsonAsync<JsonElement>("/api/v1/dhcp");
        Assert.True(dhcp.GetProperty("enabled").GetBoolean());
        Assert.Equal("10.0.5.10", dhcp.GetProperty("rangeStart").GetString());
        Assert.Equal("home", dhcp.GetProperty("domain").GetString());
    }

    [Fact]
    public async Task Setup_may_carry_the_wan_and_refuses_a_wildcard_with_dhcp_or_a_gateway_off_the_subnet_storing_nothing()
    {
        using var client = _app.CreateApiClient();
        var body = new JsonObject
        {
            ["adminPassword"] = GatewayApplication.Password,
            ["wanInterface"] = "ppp*",
            ["lanInterface"] = "br-lan",
            ["lanAddress"] = "10.0.0.1/16",
            ["wan"] = new JsonObject { ["mode"] = "dhcp" },
        };
        var refused = await client.PostAsJsonAsync("/api/v1/setup", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("wan.mode", out _));

        body["wanInterface"] = "wan0";
        body["wan"] = new JsonObject { ["mode"] = "static", ["address"] = "203.0.113.10/24", ["gateway"] = "198.51.100.1" };
        refused = await client.PostAsJsonAsync("/api/v1/setup", body);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("wan.gateway", out _));
        Assert.Equal(0, await _app.CountRowsAsync("AdminUsers"));

        body["wan"] = new JsonObject { ["mode"] = "static", ["address"] = "203.0.113.10/24", ["gateway"] = "203.0.113.1", ["dns"] = new JsonArray("9.9.9.9") };
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/setup", body)).StatusCode);
        using var authorized = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        var wan = await authorized.GetFromJsonAsync<JsonElement>("/api/v1/wan");
        Assert.Equal("static", wan.GetProperty("mode").GetString());
        Assert.Equal("203.0.113.10/24", wan.GetProperty("address").GetString());
        Assert.Equal("203.0.113.1", wan.GetProperty("gateway").GetString());
        Assert.Equal("9.9.9.9", wan.GetProperty("dns")[0].GetString());
    }

    [Fact]
    public async Task A_lan_change_moves_the_range_and_a_static_lease_outside_the_new_lan_is_409()
    {
        await _app.CompleteSetupAsync();
        using var client = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        var network = new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "10.1.2.1/24", masquerade = true };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", network)).StatusCode);
        var dhcp = await client.GetFromJsonAsync<JsonElement>("/api/v1/dhcp");
        Assert.Equal("10.1.2.100", dhcp.GetProperty("rangeStart").GetString());
        Assert.Equal("10.1.2.249", dhcp.GetProperty("rangeEnd").GetString());

        // A smaller LAN clips the range instead of refusing the change.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", network with { lanAddress = "10.1.2.1/25" })).StatusCode);
        dhcp = await client.GetFromJsonAsync<JsonElement>("/api/v1/dhcp");
        Assert.Equal("10.1.2.100", dhcp.GetProperty("rangeStart").GetString());
        Assert.Equal("10.1.2.126", dhcp.GetProperty("rangeEnd").GetString());

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/static-leases", new { name = "nas", mac = "02:00:00:00:aa:10", address = "10.1.2.20" })).StatusCode);
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var moved = await client.PutAsJsonAsync("/api/v1/network", network with { lanAddress = "10.9.9.1/24" });
        Assert.Equal(HttpStatusCode.Conflict, moved.StatusCode);
        Assert.Contains("static lease", (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("lanAddress")[0].GetString());
        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
        Assert.Equal("10.1.2.1/25", (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanAddress").GetString());
    }

    [Fact]
    public async Task Backup_round_trip_keeps_dhcp_leases_and_dns_and_a_backup_without_them_turns_them_off()
    {
        await _app.CompleteSetupAsync();
        using var client = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        await client.PutAsJsonAsync("/api/v1/dhcp", new { rangeStart = "192.168.1.20", rangeEnd = "192.168.1.30", leaseSeconds = 600, domain = "home" });
        await client.PostAsJsonAsync("/api/v1/static-leases", new { name = "nas", mac = "02:00:00:00:aa:20", address = "192.168.1.40" });
        await client.PutAsJsonAsync("/api/v1/dns", new { upstream = new[] { "9.9.9.9" }, hosts = new[] { new { name = "printer", address = "192.168.1.50" } } });
        var backup = await client.GetStringAsync("/api/v1/config");

        // Restore the backup onto a changed router: everything comes back as it was.
        await client.PutAsJsonAsync("/api/v1/dhcp", new { enabled = false });
        await client.PutAsJsonAsync("/api/v1/dns", new { enabled = false });
        var restored = await client.PutAsync("/api/v1/config", new StringContent(backup, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(backup, await client.GetStringAsync("/api/v1/config"));

        // A backup from before DHCP existed: DHCP and DNS off, no leases (its LAN has a DHCP server of its own).
        var old = JsonNode.Parse(backup)!.AsObject();
        old.Remove("dhcp");
        old.Remove("staticLeases");
        old.Remove("dns");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/api/v1/config", new StringContent(old.ToJsonString(), System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.False(config.GetProperty("dhcp").GetProperty("enabled").GetBoolean());
        Assert.False(config.GetProperty("dns").GetProperty("enabled").GetBoolean());
        Assert.Equal(0, config.GetProperty("staticLeases").GetArrayLength());

        // Two enabled leases with one MAC in a restore: refused whole.
        var twice = JsonNode.Parse(backup)!.AsObject();
        twice["staticLeases"] = JsonNode.Parse("""[{"name":"a","mac":"02:00:00:00:aa:30","address":"192.168.1.41"},{"name":"b","mac":"02-00-00-00-AA-30","address":"192.168.1.42"}]""");
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var refused = await client.PutAsync("/api/v1/config", new StringContent(twice.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("staticLeases[1].mac", await refused.Content.ReadAsStringAsync());
        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
    }
}

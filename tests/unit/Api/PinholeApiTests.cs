using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/pinholes and network.lanIpv6: CRUD, defaults, canonical spelling, 409 on overlap.</summary>
public sealed class PinholeApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task Pinhole_create_get_update_delete_with_defaults_canonical_text_and_each_write_bumps_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var created = await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "nas \"web\"; flush ruleset", protocol = "tcp", port = 443, hostSuffix = "0:0:0:0:0:0:0:A" });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var pinhole = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = pinhole.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/pinholes/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("nas \"web\"; flush ruleset", pinhole.GetProperty("name").GetString());
        Assert.True(pinhole.GetProperty("enabled").GetBoolean());
        Assert.Equal("::a", pinhole.GetProperty("hostSuffix").GetString());
        Assert.Equal(JsonValueKind.Null, pinhole.GetProperty("mac").ValueKind);
        Assert.Equal(JsonValueKind.Null, pinhole.GetProperty("portEnd").ValueKind);
        Assert.Equal(JsonValueKind.Null, pinhole.GetProperty("sourceCidr").ValueKind);
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        // Switched to a MAC (another spelling) with a port range and a source network.
        var updated = await client.PutAsJsonAsync($"/api/v1/pinholes/{id}", new { name = "nas", enabled = false, protocol = "both", port = 8000, portEnd = 8010, mac = "AA-BB-CC-00-11-22", sourceCidr = "2001:DB8:99::/48" });
        Assert.True(updated.StatusCode == HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/pinholes/{id}");
        Assert.Equal("aa:bb:cc:00:11:22", after.GetProperty("mac").GetString());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("hostSuffix").ValueKind);
        Assert.Equal("both", after.GetProperty("protocol").GetString());
        Assert.Equal(8010, after.GetProperty("portEnd").GetInt32());
        Assert.Equal("2001:db8:99::/48", after.GetProperty("sourceCidr").GetString());
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>("/api/v1/pinholes")).EnumerateArray(), p => p.GetProperty("id").GetInt32() == id);
        Assert.Equal(revision + 2, await app.DesiredRevisionInDatabaseAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/pinholes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/pinholes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/pinholes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"/api/v1/pinholes/{id}", new { name = "x", protocol = "tcp", port = 1, hostSuffix = "::1:2" })).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());

        // Ids are never reused (they are ct marks): the next pinhole's id is higher.
        var next = await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "next", protocol = "udp", port = 51820, hostSuffix = "::b" });
        Assert.True((await next.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32() > id);
    }

    [Fact]
    public async Task Enabled_pinholes_to_the_same_host_and_overlapping_ports_are_409_and_anything_else_is_fine()
    {
        using var client = app.CreateAuthorizedClient();
        var first = await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "web", protocol = "tcp", port = 8080, portEnd = 8090, hostSuffix = "::20" });
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var byMac = await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "game", protocol = "udp", port = 3074, mac = "02:00:00:00:00:21" });
        Assert.Equal(HttpStatusCode.Created, byMac.StatusCode);
        var revision = await app.DesiredRevisionInDatabaseAsync();

        // Same suffix in another spelling, overlapping range, a shared protocol.
        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "dup", protocol = "tcp", port = 8090, hostSuffix = "0::0:20" }));
        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "dup", protocol = "both", port = 8000, portEnd = 8080, hostSuffix = "::20" }));
        await AssertConflictAsync(await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "dup", protocol = "udp", port = 3074, mac = "02-00-00-00-00-21" }));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());

        // Other protocol, other ports, other host, or disabled: stored.
        foreach (var body in new object[]
        {
            new { name = "udp too", protocol = "udp", port = 8085, hostSuffix = "::20" },
            new { name = "next port", protocol = "tcp", port = 8091, hostSuffix = "::20" },
            new { name = "other host", protocol = "tcp", port = 8080, hostSuffix = "::21" },
            new { name = "parked", enabled = false, protocol = "tcp", port = 8080, hostSuffix = "::20" },
            new { name = "mac, not suffix", protocol = "tcp", port = 8080, mac = "02:00:00:00:00:20" },
        })
        {
            var response = await client.PostAsJsonAsync("/api/v1/pinholes", body);
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        // A pinhole doesn't clash with itself on update; the parked one can't be enabled while "web" is.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/pinholes/{firstId}", new { name = "web renamed", protocol = "tcp", port = 8080, portEnd = 8090, hostSuffix = "::20" })).StatusCode);
        var parked = (await client.GetFromJsonAsync<JsonElement>("/api/v1/pinholes")).EnumerateArray().Single(p => p.GetProperty("name").GetString() == "parked");
        await AssertConflictAsync(await client.PutAsJsonAsync($"/api/v1/pinholes/{parked.GetProperty("id").GetInt32()}", new { name = "parked", protocol = "tcp", port = 8080, hostSuffix = "::20" }));
    }

    [Fact]
    public async Task Network_lan_ipv6_is_off_auto_or_a_static_address_stored_canonically_and_missing_means_off()
    {
        using var client = app.CreateAuthorizedClient();
        var network = await client.GetFromJsonAsync<JsonElement>("/api/v1/network");
        Assert.Equal(JsonValueKind.Null, network.GetProperty("lanIpv6").ValueKind);

        var put = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true, lanIpv6 = "2001:DB8:1:0::1/64" });
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal("2001:db8:1::1/64", (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanIpv6").GetString());
        Assert.Equal("2001:db8:1::1/64", (await client.GetFromJsonAsync<JsonElement>("/api/v1/config")).GetProperty("network").GetProperty("lanIpv6").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", lanIpv6 = "auto" })).StatusCode);
        Assert.Equal("auto", (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanIpv6").GetString());

        // IPv6 off with an enabled pinhole stored: allowed (IPv6 off is the closed state); the pinhole stays, inactive.
        var pinhole = await client.PostAsJsonAsync("/api/v1/pinholes", new { name = "kept while off", protocol = "tcp", port = 22, hostSuffix = "::99" });
        Assert.Equal(HttpStatusCode.Created, pinhole.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24" })).StatusCode);
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("lanIpv6").ValueKind);
        var id = (await pinhole.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/pinholes/{id}")).StatusCode);
    }

    private static async Task AssertConflictAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"expected 409, got {(int)response.StatusCode}: {text}");
        var body = JsonDocument.Parse(text).RootElement;
        Assert.True(body.GetProperty("errors").TryGetProperty("port", out _), text);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/dhcp, /dhcp/leases, /static-leases and /dns on the LAN 192.168.1.1/24: routes, defaults, 400s and 409s.</summary>
public sealed class LanApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    /// <summary>Text that must never reach dnsmasq's files: each is a 400 in every text field.</summary>
    public static readonly TheoryData<string> Hostile = new()
    {
        "nas\nserver=6.6.6.6",
        "nas#x",
        "nas,6.6.6.6",
        "nas=6.6.6.6",
        "nas x",
        "",
        "-nas",
    };

    [Fact]
    public async Task Setup_turned_dhcp_and_dns_on_with_the_default_range()
    {
        using var client = app.CreateAuthorizedClient();
        var dhcp = await client.GetFromJsonAsync<JsonElement>("/api/v1/dhcp");
        Assert.True(dhcp.GetProperty("enabled").GetBoolean());
        Assert.Equal("192.168.1.100", dhcp.GetProperty("rangeStart").GetString());
        Assert.Equal("192.168.1.249", dhcp.GetProperty("rangeEnd").GetString());
        Assert.Equal(43200, dhcp.GetProperty("leaseSeconds").GetInt32());
        Assert.Equal("lan", dhcp.GetProperty("domain").GetString());
        var dns = await client.GetFromJsonAsync<JsonElement>("/api/v1/dns");
        Assert.True(dns.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, dns.GetProperty("upstream").GetArrayLength());
        Assert.Equal(0, dns.GetProperty("hosts").GetArrayLength());
    }

    [Fact]
    public async Task Dhcp_put_stores_bumps_the_revision_and_fills_defaults()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var put = await client.PutAsJsonAsync("/api/v1/dhcp", new { rangeStart = "192.168.1.50", rangeEnd = "192.168.1.60", leaseSeconds = 3600, domain = "home" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
        var stored = await client.GetFromJsonAsync<JsonElement>("/api/v1/dhcp");
        Assert.True(stored.GetProperty("enabled").GetBoolean());
        Assert.Equal("192.168.1.50", stored.GetProperty("rangeStart").GetString());
        Assert.Equal(3600, stored.GetProperty("leaseSeconds").GetInt32());
        Assert.Equal("home", stored.GetProperty("domain").GetString());
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.Equal("192.168.1.60", config.GetProperty("dhcp").GetProperty("rangeEnd").GetString());

        // Nothing but enabled: the LAN's default range and the default lease time and domain.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/dhcp", new { enabled = true })).StatusCode);
        stored = await client.GetFromJsonAsync<JsonElement>("/api/v1/dhcp");
        Assert.Equal("192.168.1.100", stored.GetProperty("rangeStart").GetString());
        Assert.Equal("192.168.1.249", stored.GetProperty("rangeEnd").GetString());
        Assert.Equal(43200, stored.GetProperty("leaseSeconds").GetInt32());
        Assert.Equal("lan", stored.GetProperty("domain").GetString());
    }

    [Theory]
    [InlineData("{\"rangeStart\":\"192.168.1.200\",\"rangeEnd\":\"192.168.1.100\"}", "rangeEnd")]
    [InlineData("{\"rangeStart\":\"10.0.0.100\",\"rangeEnd\":\"192.168.1.100\"}", "rangeStart")]
    [InlineData("{\"rangeStart\":\"192.168.1.100\",\"rangeEnd\":\"192.168.1.255\"}", "rangeEnd")]
    [InlineData("{\"rangeStart\":\"192.168.1.0\",\"rangeEnd\":\"192.168.1.20\"}", "rangeStart")]
    [InlineData("{\"rangeStart\":\"192.168.1.1\",\"rangeEnd\":\"192.168.1.20\"}", "rangeStart")]
    [InlineData("{\"rangeStart\":\"192.168.1.100\",\"rangeEnd\":\"192.168.1.200\",\"leaseSeconds\":119}", "leaseSeconds")]
    [InlineData("{\"rangeStart\":\"192.168.1.100\",\"rangeEnd\":\"192.168.1.200\",\"leaseSeconds\":31536001}", "leaseSeconds")]
    [InlineData("{\"rangeStart\":\"192.168.1.100\"}", "rangeEnd")]
    public async Task Dhcp_bad_fields_are_400_naming_the_field_and_nothing_is_stored(string body, string field) =>
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dhcp", body, field);

    [Theory]
    [MemberData(nameof(Hostile))]
    public async Task Hostile_text_in_every_text_field_is_400_and_nothing_is_stored(string text)
    {
        var value = JsonSerializer.Serialize(text);
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dhcp", $"{{\"domain\":{value}}}", "domain");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dhcp", $"{{\"rangeStart\":{value},\"rangeEnd\":\"192.168.1.200\"}}", "rangeStart");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dhcp", $"{{\"rangeStart\":\"192.168.1.100\",\"rangeEnd\":{value}}}", "rangeEnd");
        await AssertRefusedAsync(HttpMethod.Post, "/api/v1/static-leases", $"{{\"name\":{value},\"mac\":\"02:00:00:00:aa:01\",\"address\":\"192.168.1.31\"}}", "name");
        await AssertRefusedAsync(HttpMethod.Post, "/api/v1/static-leases", $"{{\"name\":\"ok\",\"mac\":{value},\"address\":\"192.168.1.31\"}}", "mac");
        await AssertRefusedAsync(HttpMethod.Post, "/api/v1/static-leases", $"{{\"name\":\"ok\",\"mac\":\"02:00:00:00:aa:01\",\"address\":{value}}}", "address");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dns", $"{{\"upstream\":[{value}]}}", "upstream[0]");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dns", $"{{\"hosts\":[{{\"name\":{value},\"address\":\"192.168.1.5\"}}]}}", "hosts[0].name");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/dns", $"{{\"hosts\":[{{\"name\":\"printer\",\"address\":{value}}}]}}", "hosts[0].address");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/config", await ConfigWithAsync("staticLeases", $"[{{\"name\":{value},\"mac\":\"02:00:00:00:aa:01\",\"address\":\"192.168.1.31\"}}]"), "staticLeases[0].name");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/config", await ConfigWithAsync("dhcp", $"{{\"domain\":{value}}}"), "dhcp.domain");
        await AssertRefusedAsync(HttpMethod.Put, "/api/v1/config", await ConfigWithAsync("dns", $"{{\"hosts\":[{{\"name\":{value},\"address\":\"192.168.1.5\"}}]}}"), "dns.hosts[0].name");
    }

    [Fact]
    public async Task Static_leases_create_get_update_delete_with_the_mac_stored_lower_case()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var created = await client.PostAsJsonAsync("/api/v1/static-leases", new { name = "NAS", mac = "02-00-00-00-BB-01", address = "192.168.1.40" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var lease = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = lease.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/static-leases/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("02:00:00:00:bb:01", lease.GetProperty("mac").GetString());
        Assert.True(lease.GetProperty("enabled").GetBoolean());
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var updated = await client.PutAsJsonAsync($"/api/v1/static-leases/{id}", new { name = "nas2", mac = "02:00:00:00:bb:01", address = "192.168.1.41", enabled = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/static-leases/{id}");
        Assert.Equal("nas2", after.GetProperty("name").GetString());
        Assert.Equal("192.168.1.41", after.GetProperty("address").GetString());
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Contains((await client.GetFromJsonAsync<JsonElement>("/api/v1/static-leases")).EnumerateArray(), l => l.GetProperty("id").GetInt32() == id);
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.Contains(config.GetProperty("staticLeases").EnumerateArray(), l => l.GetProperty("name").GetString() == "nas2");

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/static-leases/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/static-leases/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/static-leases/{id}")).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());
    }

    [Theory]
    [InlineData("{\"name\":\"other\",\"mac\":\"02:00:00:00:CC:01\",\"address\":\"192.168.1.61\"}", "mac")]
    [InlineData("{\"name\":\"other\",\"mac\":\"02:00:00:00:cc:02\",\"address\":\"192.168.1.60\"}", "address")]
    [InlineData("{\"name\":\"PRINTER\",\"mac\":\"02:00:00:00:cc:03\",\"address\":\"192.168.1.62\"}", "name")]
    public async Task Static_leases_mac_address_and_name_are_unique_among_enabled_leases_with_409(string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var first = await client.PostAsJsonAsync("/api/v1/static-leases", new { name = "printer", mac = "02:00:00:00:cc:01", address = "192.168.1.60" });
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        try
        {
            var revision = await app.DesiredRevisionInDatabaseAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/static-leases") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("conflict", problem.GetProperty("type").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"409 names {field}: {problem}");
            Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());

            // A disabled lease may repeat them.
            var disabled = JsonSerializer.Deserialize<Dictionary<string, object>>(body)!;
            disabled["enabled"] = false;
            var kept = await client.PostAsJsonAsync("/api/v1/static-leases", disabled);
            Assert.Equal(HttpStatusCode.Created, kept.StatusCode);
            await client.DeleteAsync($"/api/v1/static-leases/{(await kept.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32()}");
        }
        finally
        {
            await client.DeleteAsync($"/api/v1/static-leases/{firstId}");
        }
    }

    [Theory]
    [InlineData("{\"mac\":\"02:00:00:00:dd:01\",\"address\":\"192.168.1.70\"}", "name")]
    [InlineData("{\"name\":\"x\",\"address\":\"192.168.1.70\"}", "mac")]
    [InlineData("{\"name\":\"x\",\"mac\":\"02:00:00:00:dd:01\"}", "address")]
    [InlineData("{\"name\":\"x\",\"mac\":\"01:00:5e:00:00:01\",\"address\":\"192.168.1.70\"}", "mac")]
    [InlineData("{\"name\":\"x\",\"mac\":\"02:00:00:00:dd:01\",\"address\":\"192.168.1.1\"}", "address")]
    [InlineData("{\"name\":\"x\",\"mac\":\"02:00:00:00:dd:01\",\"address\":\"10.0.0.5\"}", "address")]
    [InlineData("{\"name\":\"a-very-long-name-that-goes-on-and-on-past-sixty-three-characters-x\",\"mac\":\"02:00:00:00:dd:01\",\"address\":\"192.168.1.70\"}", "name")]
    public async Task Static_lease_bad_fields_are_400_naming_the_field(string body, string field) =>
        await AssertRefusedAsync(HttpMethod.Post, "/api/v1/static-leases", body, field);

    [Fact]
    public async Task Dns_put_stores_canonical_addresses_and_bumps_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var put = await client.PutAsJsonAsync("/api/v1/dns", new { upstream = new[] { "9.9.9.9", "2620:FE:0::FE" }, hosts = new[] { new { name = "Printer.home", address = "192.168.1.30" } } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());
        var dns = await client.GetFromJsonAsync<JsonElement>("/api/v1/dns");
        Assert.True(dns.GetProperty("enabled").GetBoolean());
        Assert.Equal("2620:fe::fe", dns.GetProperty("upstream")[1].GetString());
        Assert.Equal("printer.home", dns.GetProperty("hosts")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/dns", new { })).StatusCode);
        dns = await client.GetFromJsonAsync<JsonElement>("/api/v1/dns");
        Assert.True(dns.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, dns.GetProperty("hosts").GetArrayLength());
    }

    [Fact]
    public async Task Live_leases_come_from_the_agent_and_are_503_while_it_is_away()
    {
        using var client = app.CreateAuthorizedClient();
        var away = await client.GetAsync("/api/v1/dhcp/leases");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, away.StatusCode);
        Assert.Equal("agent-unavailable", (await away.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        await using var agent = new FakeAgent(app.SocketPath)
        {
            Leases = [new DhcpLease("02:00:00:00:ee:01", "192.168.1.120", "laptop", new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero), false)],
        };
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!agent.HasClient || !(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }

        var leases = await client.GetFromJsonAsync<JsonElement>("/api/v1/dhcp/leases");
        var lease = Assert.Single(leases.EnumerateArray());
        Assert.Equal("02:00:00:00:ee:01", lease.GetProperty("mac").GetString());
        Assert.Equal("192.168.1.120", lease.GetProperty("address").GetString());
        Assert.Equal("laptop", lease.GetProperty("hostname").GetString());
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 18, 0, 0, TimeSpan.Zero), lease.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.False(lease.GetProperty("static").GetBoolean());
    }

    private async Task<string> ConfigWithAsync(string key, string json)
    {
        using var client = app.CreateAuthorizedClient();
        var config = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/api/v1/config"))!.AsObject();
        config[key] = System.Text.Json.Nodes.JsonNode.Parse(json);
        return config.ToJsonString();
    }

    private async Task AssertRefusedAsync(HttpMethod method, string path, string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var config = await client.GetStringAsync("/api/v1/config");
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} {body}: {(int)response.StatusCode} {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"{body}: expected an error for {field}, got {errors}");
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(config, await client.GetStringAsync("/api/v1/config"));
    }
}

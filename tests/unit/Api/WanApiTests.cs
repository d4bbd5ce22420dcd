using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/wan and /wan/status, with the WAN on the named link eth0 and the LAN 192.168.1.1/24.</summary>
public sealed class WanApiTests : IAsyncLifetime
{
    private readonly ReadyGatewayApplication _app = new();

    public async Task InitializeAsync()
    {
        await _app.InitializeAsync();
        using var client = _app.CreateAuthorizedClient();
        var put = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "eth0", lanInterface = "br-lan", lanAddress = "192.168.1.1/24" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Unmanaged_is_the_default_and_a_put_stores_fills_defaults_and_shows_in_config()
    {
        using var client = _app.CreateAuthorizedClient();
        var wan = await client.GetFromJsonAsync<JsonElement>("/api/v1/wan");
        Assert.Equal("unmanaged", wan.GetProperty("mode").GetString());
        Assert.Equal("off", wan.GetProperty("ipv6").GetString());

        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var put = await client.PutAsJsonAsync("/api/v1/wan", new { mode = "static", address = "203.0.113.10/24", gateway = "203.0.113.1", dns = new[] { "2620:FE::FE", "9.9.9.9" } });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(revision + 1, await _app.DesiredRevisionInDatabaseAsync());
        var config = await client.GetFromJsonAsync<JsonElement>("/api/v1/config");
        var stored = config.GetProperty("wan");
        Assert.Equal("static", stored.GetProperty("mode").GetString());
        Assert.Equal("203.0.113.10/24", stored.GetProperty("address").GetString());
        Assert.Equal("2620:fe::fe", stored.GetProperty("dns")[0].GetString());
        Assert.Equal("off", stored.GetProperty("ipv6").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/wan", new { mode = "dhcp", ipv6 = "auto", prefixHint = 56 })).StatusCode);
        wan = await client.GetFromJsonAsync<JsonElement>("/api/v1/wan");
        Assert.Equal("dhcp", wan.GetProperty("mode").GetString());
        Assert.Equal("auto", wan.GetProperty("ipv6").GetString());
        Assert.Equal(56, wan.GetProperty("prefixHint").GetInt32());
    }

    [Theory]
    [InlineData("{\"mode\":\"pppoe\"}", "mode")]
    [InlineData("{\"mode\":\"static\"}", "address")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.10/24\"}", "gateway")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.10\",\"gateway\":\"203.0.113.1\"}", "address")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.0/24\",\"gateway\":\"203.0.113.1\"}", "address")]
    [InlineData("{\"mode\":\"static\",\"address\":\"192.168.1.7/24\",\"gateway\":\"192.168.1.254\"}", "address")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.10/24\",\"gateway\":\"198.51.100.1\"}", "gateway")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.10/24\",\"gateway\":\"203.0.113.10\"}", "gateway")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.10/24\",\"gateway\":\"203.0.113.1\",\"dns\":[\"9.9.9.9\\nserver=6.6.6.6\"]}", "dns[0]")]
    [InlineData("{\"mode\":\"static\",\"address\":\"203.0.113.10/24\",\"gateway\":\"203.0.113.1\",\"dns\":[\"fe80::1\"]}", "dns[0]")]
    [InlineData("{\"mode\":\"dhcp\",\"prefixHint\":47}", "prefixHint")]
    [InlineData("{\"mode\":\"dhcp\",\"prefixHint\":65}", "prefixHint")]
    [InlineData("{\"mode\":\"dhcp\",\"ipv6\":\"on\"}", "ipv6")]
    [InlineData("{\"mode\":\"unmanaged\",\"ipv6\":\"auto\"}", "ipv6")]
    [InlineData("{\"mode\":\"dhcp\",\"address\":\"not an address\"}", "address")]
    public async Task Bad_fields_are_400_naming_the_field_and_nothing_is_stored(string body, string field) =>
        await AssertRefusedAsync("/api/v1/wan", body, field);

    [Fact]
    public async Task A_wildcard_wan_stays_unmanaged_both_ways()
    {
        using var client = _app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24" })).StatusCode);
        await AssertRefusedAsync("/api/v1/wan", "{\"mode\":\"dhcp\"}", "mode");

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "eth0", lanInterface = "br-lan", lanAddress = "192.168.1.1/24" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/wan", new { mode = "dhcp" })).StatusCode);
        await AssertRefusedAsync("/api/v1/network", "{\"wanInterface\":\"ppp*\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\"}", "wanInterface");
    }

    [Fact]
    public async Task A_restore_without_wan_is_unmanaged_and_one_with_a_wildcard_and_dhcp_is_400()
    {
        using var client = _app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/wan", new { mode = "dhcp" })).StatusCode);
        var config = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await client.GetStringAsync("/api/v1/config"))!;
        config.Remove("wan");
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/config", config)).StatusCode);
        Assert.Equal("unmanaged", (await client.GetFromJsonAsync<JsonElement>("/api/v1/wan")).GetProperty("mode").GetString());

        var network = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(config["network"].GetRawText())!;
        network["wanInterface"] = JsonSerializer.SerializeToElement("ppp*");
        config["network"] = JsonSerializer.SerializeToElement(network);
        config["wan"] = JsonSerializer.SerializeToElement(new { mode = "dhcp" });
        await AssertRefusedAsync("/api/v1/config", JsonSerializer.Serialize(config), "wan.mode");
    }

    [Fact]
    public async Task A_panel_mode_change_is_commit_confirmed_and_other_wan_edits_are_not()
    {
        await using var agent = new FakeAgent(_app.SocketPath);
        await agent.NextAsync<ApplyRequest>(); // the connect snapshot
        using var scope = _app.Services.CreateScope(); // a scope nobody marked: the panel's
        var wan = scope.ServiceProvider.GetRequiredService<WanService>();

        Assert.True((await wan.UpdateAsync(new WanInput(WanMode.Dhcp, null, null, null, null, null))).Succeeded);
        Assert.Equal(60, (await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);

        Assert.True((await wan.UpdateAsync(new WanInput(WanMode.Dhcp, null, null, null, WanIpv6.Auto, 56))).Succeeded);
        Assert.Null((await agent.NextAsync<ApplyRequest>()).ConfirmSeconds);
    }

    [Fact]
    public async Task Live_status_is_503_while_the_agent_is_away()
    {
        using var client = _app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/api/v1/wan/status")).StatusCode);
    }

    private async Task AssertRefusedAsync(string path, string body, string field)
    {
        using var client = _app.CreateAuthorizedClient();
        var revision = await _app.DesiredRevisionInDatabaseAsync();
        var config = await client.GetStringAsync("/api/v1/config");
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await client.PutAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"PUT {path} {body}: {(int)response.StatusCode} {text}");
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"{body}: expected an error for {field}, got {errors}");
        Assert.Equal(revision, await _app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(config, await client.GetStringAsync("/api/v1/config"));
    }
}

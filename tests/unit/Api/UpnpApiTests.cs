using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.Unit.Api;

/// <summary>GET|PUT /api/v1/upnp: defaults, the 400 corpus (nothing stored), and the settings in a backup.</summary>
public sealed class UpnpApiTests : IAsyncLifetime
{
    private readonly GatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task Off_by_default_bad_values_are_400_naming_the_field_and_a_backup_carries_the_settings()
    {
        await _app.CompleteSetupAsync();
        using var client = _app.CreateClientWithToken(await _app.CreateTokenAsync());
        var fresh = await client.GetFromJsonAsync<JsonElement>("/api/v1/upnp");
        Assert.False(fresh.GetProperty("enabled").GetBoolean());
        Assert.Equal("""[21,23,135,"137-139",445,3389]""", fresh.GetProperty("deniedPorts").GetRawText());

        foreach (var (body, field) in new (string Body, string Field)[]
        {
            ("""{"allowedPorts":"0-10"}""", "allowedPorts"),
            ("""{"allowedPorts":"20-10"}""", "allowedPorts"),
            ("""{"deniedPorts":[22,"a-b"]}""", "deniedPorts[1]"),
            ("""{"deniedPorts":[true]}""", "deniedPorts[0]"),
            ("""{"leaseSeconds":604801}""", "leaseSeconds"),
        })
        {
            using var refused = await client.PutAsync("/api/v1/upnp", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _), $"{body} → {field}");
        }

        Assert.Equal(fresh.GetRawText(), (await client.GetFromJsonAsync<JsonElement>("/api/v1/upnp")).GetRawText());

        // UPnP needs one WAN link by name.
        using (var wildcard = await client.PutAsJsonAsync("/api/v1/upnp", new { enabled = true }))
        {
            Assert.True((await wildcard.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("enabled", out _));
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "wan0", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true })).StatusCode);
        var on = new { enabled = true, secureMode = true, allowedPorts = "2000-3000", deniedPorts = new object[] { 2222, "2500-2510" }, leaseSeconds = 3600 };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/upnp", on)).StatusCode);
        var config = await client.GetFromJsonAsync<JsonObject>("/api/v1/config");
        Assert.True(config!["upnp"]!["enabled"]!.GetValue<bool>());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/upnp", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/config", config)).StatusCode);
        var restored = await client.GetFromJsonAsync<JsonElement>("/api/v1/upnp");
        Assert.True(restored.GetProperty("enabled").GetBoolean());
        Assert.Equal("2000-3000", restored.GetProperty("allowedPorts").GetString());
        Assert.Equal("""[2222,"2500-2510"]""", restored.GetProperty("deniedPorts").GetRawText());
        Assert.Equal(3600, restored.GetProperty("leaseSeconds").GetInt32());

        // With UPnP on, the WAN can't become a pattern: 400 on wanInterface, and nothing is stored.
        using (var pattern = await client.PutAsJsonAsync("/api/v1/network", new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, pattern.StatusCode);
            Assert.True((await pattern.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("wanInterface", out _));
        }

        Assert.Equal("wan0", (await client.GetFromJsonAsync<JsonElement>("/api/v1/network")).GetProperty("wanInterface").GetString());
        // The snapshot the agent gets (the restore's own result) carries it too, not only the database.
        var snapshot = await client.GetFromJsonAsync<JsonObject>("/api/v1/config");
        Assert.Equal(config["upnp"]!.ToJsonString(), snapshot!["upnp"]!.ToJsonString());
    }
}

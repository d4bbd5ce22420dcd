using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>GET /api/v1/devices and /devices/{mac}/traffic against a fake agent: merging, vendor, name, blocked, totals, 400s.</summary>
public sealed class DevicesApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private const string Laptop = "00:1b:21:00:00:20";
    private const string Phone = "da:a1:19:00:00:21";

    [Theory]
    [InlineData("not-a-mac/traffic?bucket=hour", "mac")]
    [InlineData("00:1b:21:00:00:20/traffic?bucket=week", "bucket")]
    [InlineData("00:1b:21:00:00:20/traffic", "bucket")]
    public async Task Bad_mac_or_bucket_is_a_400_naming_the_field(string path, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.GetAsync($"/api/v1/devices/{path}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Devices_merge_neighbours_leases_and_counters_and_totals_never_go_back_across_agent_epochs()
    {
        using var client = app.CreateAuthorizedClient();
        await using var agent = new FakeAgent(app.SocketPath);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!agent.HasClient || !(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }

        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = Phone, name = "phone", enabled = true })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/mac-filters/policy", new { mode = "deny-listed" })).StatusCode);
        agent.Devices = Reply("e1", 5_000, 300);

        var devices = await client.GetFromJsonAsync<JsonElement>("/api/v1/devices");
        var laptop = Find(devices, Laptop);
        var phone = Find(devices, Phone);
        Assert.NotNull(laptop.GetProperty("vendor").GetString());
        Assert.Equal(["192.168.1.20", "fd00::20"], laptop.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.True(laptop.GetProperty("online").GetBoolean());
        Assert.Equal(2, laptop.GetProperty("connections").GetInt64());
        Assert.Equal(5_000, laptop.GetProperty("traffic").GetProperty("rxBytes").GetInt64());
        Assert.Equal(1_000, laptop.GetProperty("rate").GetProperty("rxBps").GetInt64());
        Assert.False(laptop.GetProperty("blocked").GetBoolean());
        Assert.Equal(JsonValueKind.Null, phone.GetProperty("vendor").ValueKind);
        Assert.Equal("phone-dhcp", phone.GetProperty("name").GetString());
        Assert.False(phone.GetProperty("online").GetBoolean());
        Assert.True(phone.GetProperty("blocked").GetBoolean());

        // The same agent counted on; then a restarted agent starts again from 0.
        agent.Devices = Reply("e1", 8_000, 400);
        await WaitForRxAsync(client, 8_000);
        agent.Devices = Reply("e2", 100, 10);
        await WaitForRxAsync(client, 8_100);

        var hours = await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{Laptop}/traffic?bucket=hour");
        Assert.Equal(8_100, hours.EnumerateArray().Sum(h => h.GetProperty("rxBytes").GetInt64()));
        var days = await client.GetFromJsonAsync<JsonElement>($"/api/v1/devices/{Laptop.ToUpperInvariant()}/traffic?bucket=day");
        Assert.Equal(410, days.EnumerateArray().Sum(h => h.GetProperty("txBytes").GetInt64()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/devices/00:1b:21:99:99:99/traffic?bucket=day")).StatusCode);

        var metrics = await client.GetStringAsync("/metrics");
        Assert.Contains($"gateway_device_bytes_total{{mac=\"{Laptop}\",name=\"\",direction=\"rx\"}} 8100", metrics, StringComparison.Ordinal);
        Assert.Contains($"gateway_device_connections{{mac=\"{Laptop}\",name=\"\"}} 2", metrics, StringComparison.Ordinal);
    }

    private static DevicesReply Reply(string epoch, long rx, long tx) => new(
        [new Neighbour("192.168.1.20", Laptop, "br-lan"), new Neighbour("fd00::20", Laptop, "br-lan")],
        [new DhcpLease(Phone, "192.168.1.21", "phone-dhcp", null, false), new DhcpLease(Laptop, "192.168.1.20", null, null, false)],
        [new DeviceCounters(Laptop, 2, rx, tx, 1_000, 100)],
        epoch,
        0,
        DateTimeOffset.UtcNow);

    private static async Task WaitForRxAsync(HttpClient client, long rx)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        long seen;
        while ((seen = Find(await client.GetFromJsonAsync<JsonElement>("/api/v1/devices"), Laptop).GetProperty("traffic").GetProperty("rxBytes").GetInt64()) != rx)
        {
            Assert.True(seen < rx, $"rx {seen} passed {rx}");
            Assert.True(DateTime.UtcNow < deadline, $"rx stayed {seen}, not {rx}");
            await Task.Delay(50);
        }
    }

    private static JsonElement Find(JsonElement devices, string mac) =>
        devices.EnumerateArray().Single(d => d.GetProperty("mac").GetString() == mac);
}

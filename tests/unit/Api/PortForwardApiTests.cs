using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

public sealed class PortForwardApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private static int _nextPort = 20000;

    private static int FreshPortBlock(int size = 10) => Interlocked.Add(ref _nextPort, size + 10) - size - 10;

    [Fact]
    public async Task A_name_of_33_emoji_is_33_characters_and_accepted()
    {
        using var client = app.CreateAuthorizedClient();
        var name = string.Concat(Enumerable.Repeat("\U0001F525", 33));

        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", new
        {
            name,
            protocol = "tcp",
            externalPort = FreshPortBlock(),
            internalAddress = "192.168.1.20",
        });

        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        Assert.Equal(name, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Create_get_update_delete_round_trip_and_each_write_bumps_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var port = FreshPortBlock();
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", new
        {
            name = "nas \"web\" {ui}; accept",
            protocol = "tcp",
            externalPort = port,
            internalAddress = "192.168.1.20",
            internalPort = 80,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var forward = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = forward.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/port-forwards/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("nas \"web\" {ui}; accept", forward.GetProperty("name").GetString());
        Assert.True(forward.GetProperty("enabled").GetBoolean());
        Assert.True(forward.GetProperty("reflection").GetBoolean());
        Assert.False(forward.GetProperty("ftpHelper").GetBoolean());
        Assert.Equal(JsonValueKind.Null, forward.GetProperty("logLevel").ValueKind);
        Assert.False(forward.TryGetProperty("externalLast", out _));
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var fetched = await client.GetFromJsonAsync<JsonElement>($"/api/v1/port-forwards/{id}");
        Assert.Equal(80, fetched.GetProperty("internalPort").GetInt32());

        var updated = await client.PutAsJsonAsync($"/api/v1/port-forwards/{id}", new
        {
            name = "nas",
            protocol = "both",
            externalPort = port,
            externalPortEnd = port + 2,
            internalAddress = "192.168.1.21",
            internalPort = 7000,
            sourceCidr = "203.0.113.0/24",
            logLevel = "warn",
            enabled = false,
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/port-forwards/{id}");
        Assert.Equal("both", after.GetProperty("protocol").GetString());
        Assert.Equal(port + 2, after.GetProperty("externalPortEnd").GetInt32());
        Assert.Equal("203.0.113.0/24", after.GetProperty("sourceCidr").GetString());
        Assert.Equal("warn", after.GetProperty("logLevel").GetString());
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Equal(revision + 2, await app.DesiredRevisionInDatabaseAsync());

        var list = await client.GetFromJsonAsync<JsonElement>("/api/v1/port-forwards");
        Assert.Contains(list.EnumerateArray(), f => f.GetProperty("id").GetInt32() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/port-forwards/{id}")).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/v1/port-forwards/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/v1/port-forwards/{id}")).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Ids_are_never_reused_after_a_delete()
    {
        using var client = app.CreateAuthorizedClient();
        var port = FreshPortBlock();
        var first = await (await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port))).Content.ReadFromJsonAsync<JsonElement>();
        var id = first.GetProperty("id").GetInt32();
        await client.DeleteAsync($"/api/v1/port-forwards/{id}");

        var second = await (await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(second.GetProperty("id").GetInt32() > id);
    }

    [Theory]
    [InlineData("tcp", "tcp", 0, true)]
    [InlineData("tcp", "udp", 0, false)]
    [InlineData("both", "udp", 5, true)]
    [InlineData("tcp", "both", 9, true)]
    [InlineData("tcp", "tcp", 10, false)]
    public async Task Enabled_forwards_overlapping_on_protocol_and_ports_are_409(string firstProtocol, string secondProtocol, int offset, bool conflicts)
    {
        using var client = app.CreateAuthorizedClient();
        var port = FreshPortBlock();
        var first = await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port, firstProtocol, end: port + 9));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var count = await app.CountRowsAsync("PortForwards");

        var second = await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port + offset, secondProtocol));

        if (conflicts)
        {
            Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
            Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
            Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
            Assert.Equal(count, await app.CountRowsAsync("PortForwards"));
        }
        else
        {
            Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        }
    }

    [Fact]
    public async Task Concurrent_creates_on_the_same_port_let_exactly_one_win()
    {
        var port = FreshPortBlock();
        var before = await app.CountRowsAsync("PortForwards");
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var client = app.CreateAuthorizedClient();
            return (await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port))).StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.Created);
        Assert.Equal(9, responses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(before + 1, await app.CountRowsAsync("PortForwards"));
    }

    [Fact]
    public async Task A_disabled_forward_may_overlap_but_enabling_it_is_409()
    {
        using var client = app.CreateAuthorizedClient();
        var port = FreshPortBlock();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port))).StatusCode);
        var disabled = await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port, enabled: false));
        Assert.Equal(HttpStatusCode.Created, disabled.StatusCode);
        var id = (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var enable = await client.PutAsJsonAsync($"/api/v1/port-forwards/{id}", Forward(port, enabled: true));
        Assert.Equal(HttpStatusCode.Conflict, enable.StatusCode);
        Assert.False((await client.GetFromJsonAsync<JsonElement>($"/api/v1/port-forwards/{id}")).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task A_forward_may_be_updated_over_its_own_ports()
    {
        using var client = app.CreateAuthorizedClient();
        var port = FreshPortBlock();
        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", Forward(port, end: port + 3));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/port-forwards/{id}", Forward(port + 1, end: port + 4))).StatusCode);
    }

    [Theory]
    [InlineData("10.0.0.5", "internalAddress")]
    [InlineData("192.168.1.1", "internalAddress")]
    [InlineData("192.168.1.255", "internalAddress")]
    [InlineData("192.168.1.0", "internalAddress")]
    public async Task The_internal_address_must_be_a_host_inside_the_lan_other_than_the_router(string address, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsJsonAsync("/api/v1/port-forwards", new { name = "x", protocol = "tcp", externalPort = FreshPortBlock(), internalAddress = address });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Updating_or_getting_a_missing_forward_is_404_problem()
    {
        using var client = app.CreateAuthorizedClient();
        var put = await client.PutAsJsonAsync("/api/v1/port-forwards/999999", Forward(FreshPortBlock()));
        Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/port-forwards/999999")).StatusCode);
    }

    internal static object Forward(int port, string protocol = "tcp", int? end = null, bool enabled = true) => new
    {
        name = $"forward {port}",
        protocol,
        externalPort = port,
        externalPortEnd = end,
        internalAddress = "192.168.1.50",
        enabled,
    };
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// GET /api/v1/mac-filters/this-device against a fake agent that answers <c>get-neighbours</c>. The in-memory test
/// server has no TCP peer, so the test host sets the connection's remote address from a test-only header
/// (<see cref="RemoteAddressApplication.Header"/>); the product reads nothing but that connection address.
/// </summary>
public sealed class ThisDeviceApiTests : IAsyncLifetime
{
    private const string LaptopIp = "192.168.1.20";
    private const string LaptopMac = "aa:bb:cc:00:11:22";

    private static readonly Neighbour[] Neighbours =
    [
        new(LaptopIp, LaptopMac, "br-lan"),
        new("192.168.1.30", "02:00:00:00:00:30", "br-lan"),
        new("203.0.113.1", "02:fc:00:00:00:05", "wan0"),
        new("2001:db8:1::20", LaptopMac, "br-lan"),
        new("fe80::a8bb:ccff:fe00:1122", LaptopMac, "br-lan"),
        new("2001:db8:1::30", "02:00:00:00:00:30", "br-lan"),
        new("2001:db8:ff::1", "02:fc:00:00:00:05", "wan0"),
        new("::ffff:192.168.1.40", "02:00:00:00:00:40", "br-lan"),
    ];

    private readonly RemoteAddressApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    [Fact]
    public async Task A_lan_neighbour_gets_its_mac_and_whether_it_is_listed_and_enabled()
    {
        await using var agent = await ConnectedAgentAsync();
        using var client = _app.CreateAuthorizedClient();

        var unlisted = await GetAsync(client, LaptopIp);
        Assert.Equal(HttpStatusCode.OK, unlisted.Status);
        Assert.Equal(LaptopIp, unlisted.Body.GetProperty("address").GetString());
        Assert.Equal(LaptopMac, unlisted.Body.GetProperty("mac").GetString());
        Assert.False(unlisted.Body.GetProperty("listed").GetBoolean());
        Assert.False(unlisted.Body.GetProperty("enabled").GetBoolean());

        // Listed in another spelling: stored normalised, so it matches.
        var created = await client.PostAsJsonAsync("/api/v1/mac-filters", new { mac = "AA-BB-CC-00-11-22", name = "laptop", enabled = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var listed = await GetAsync(client, LaptopIp);
        Assert.True(listed.Body.GetProperty("listed").GetBoolean());
        Assert.True(listed.Body.GetProperty("enabled").GetBoolean());

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/api/v1/mac-filters/{id}", new { mac = LaptopMac, name = "laptop", enabled = false })).StatusCode);
        var disabled = await GetAsync(client, LaptopIp);
        Assert.True(disabled.Body.GetProperty("listed").GetBoolean());
        Assert.False(disabled.Body.GetProperty("enabled").GetBoolean());

        // Another neighbour is a different device: not listed.
        var other = await GetAsync(client, "192.168.1.30");
        Assert.Equal("02:00:00:00:00:30", other.Body.GetProperty("mac").GetString());
        Assert.False(other.Body.GetProperty("listed").GetBoolean());
    }

    [Fact]
    public async Task An_ipv4_mapped_ipv6_peer_is_looked_up_as_ipv4()
    {
        await using var agent = await ConnectedAgentAsync();
        using var client = _app.CreateAuthorizedClient();

        var mapped = await GetAsync(client, "::ffff:" + LaptopIp);

        Assert.Equal(HttpStatusCode.OK, mapped.Status);
        Assert.Equal(LaptopIp, mapped.Body.GetProperty("address").GetString());
        Assert.Equal(LaptopMac, mapped.Body.GetProperty("mac").GetString());
    }

    [Theory]
    [InlineData("2001:db8:1::20", "2001:db8:1::20")]
    [InlineData("2001:DB8:1:0:0:0:0:20", "2001:db8:1::20")] // one address, another spelling
    [InlineData("fe80::a8bb:ccff:fe00:1122%3", "fe80::a8bb:ccff:fe00:1122")] // link-local, with the zone the socket reports
    public async Task An_ipv6_lan_neighbour_is_found_by_its_address(string remote, string shown)
    {
        await using var agent = await ConnectedAgentAsync();
        using var client = _app.CreateAuthorizedClient();

        var device = await GetAsync(client, remote);

        Assert.Equal(HttpStatusCode.OK, device.Status);
        Assert.Equal(shown, device.Body.GetProperty("address").GetString());
        Assert.Equal(LaptopMac, device.Body.GetProperty("mac").GetString());
        Assert.False(device.Body.GetProperty("listed").GetBoolean());
    }

    [Theory]
    [InlineData("127.0.0.1")] // the panel opened on the router itself
    [InlineData("::1")]
    [InlineData("192.168.1.99")] // not in the ARP table
    [InlineData("203.0.113.1")] // a neighbour, but on the WAN link
    [InlineData("2001:db8::20")] // not in the neighbour table
    [InlineData("2001:db8:ff::1")] // an IPv6 neighbour, but on the WAN link
    [InlineData("::ffff:2001:db8")] // ::ffff:32.1.13.184, not in the table
    [InlineData("192.168.1.40")] // the table's entry is in IPv4-mapped form: not an IPv4 neighbour entry
    [InlineData("::")]
    [InlineData("ff02::1")]
    [InlineData(null)] // no TCP peer at all
    public async Task A_caller_that_is_not_a_lan_neighbour_gets_404(string? remote)
    {
        await using var agent = await ConnectedAgentAsync();
        using var client = _app.CreateAuthorizedClient();

        var response = await GetAsync(client, remote);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not-found", response.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task X_forwarded_for_is_ignored()
    {
        await using var agent = await ConnectedAgentAsync();
        using var client = _app.CreateAuthorizedClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", LaptopIp);

        var response = await GetAsync(client, "127.0.0.1");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task Without_the_agent_the_answer_is_503_agent_unavailable()
    {
        using var client = _app.CreateAuthorizedClient();

        var response = await GetAsync(client, LaptopIp);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal("agent-unavailable", response.Body.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Without_credentials_the_answer_is_401()
    {
        using var client = _app.CreateApiClient();

        var response = await GetAsync(client, LaptopIp);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task The_mac_filters_page_names_this_device_from_the_pages_own_request_address()
    {
        await using var agent = await ConnectedAgentAsync();
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(cookie);

        // The prerendered page: the static host read the peer address and handed it to the live view.
        var fromLaptop = await PageAsync(cookie, LaptopIp);
        Assert.Contains(LaptopMac, fromLaptop, StringComparison.Ordinal);
        Assert.Contains("not listed", fromLaptop, StringComparison.Ordinal);
        Assert.Contains("Add this device", fromLaptop, StringComparison.Ordinal);

        var fromRouter = await PageAsync(cookie, "127.0.0.1");
        Assert.Contains("This browser is not on the LAN", fromRouter, StringComparison.Ordinal);
        Assert.DoesNotContain(LaptopMac, fromRouter, StringComparison.Ordinal);
        Assert.DoesNotContain("Add this device", fromRouter, StringComparison.Ordinal);
    }

    private async Task<string> PageAsync(string? cookie, string remote)
    {
        using var client = _app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/mac-filters");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add(RemoteAddressApplication.Header, remote);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<FakeAgent> ConnectedAgentAsync()
    {
        var agent = new FakeAgent(_app.SocketPath) { Neighbours = Neighbours };
        using var client = _app.CreateAuthorizedClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await client.GetFromJsonAsync<JsonElement>("/api/v1/status")).GetProperty("agentConnected").GetBoolean())
        {
            Assert.True(DateTime.UtcNow < deadline, "The web never connected to the fake agent.");
            await Task.Delay(20);
        }

        return agent;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string? remote)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/mac-filters/this-device");
        if (remote is not null)
        {
            request.Headers.Add(RemoteAddressApplication.Header, remote);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }
}

/// <summary>Setup done, a token ready, and each request's TCP peer address taken from a test-only header.</summary>
public sealed class RemoteAddressApplication : GatewayApplication
{
    public const string Header = "X-Test-Remote-Address";

    public string Token { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await CompleteSetupAsync();
        Token = await CreateTokenAsync();
    }

    public HttpClient CreateAuthorizedClient() => CreateClientWithToken(Token);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFilter>());
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(Header, out var value) ? IPAddress.Parse(value.ToString()) : null;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

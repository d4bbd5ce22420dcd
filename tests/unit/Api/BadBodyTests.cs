using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>Every malformed or invalid body is a 400 problem whose errors map names the field, and nothing is stored.</summary>
public sealed class BadBodyTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private const string Pf = "/api/v1/port-forwards";
    private const string Mf = "/api/v1/mac-filters";

    public static TheoryData<string, string, string, string> Corpus => new()
    {
        // method, path, body, the field the errors map must name
        { "POST", Pf, "", "body" },
        { "POST", Pf, "{", "body" },
        { "POST", Pf, "[1,2,3]", "body" },
        { "POST", Pf, "null", "body" },
        { "POST", Pf, "\"a string\"", "body" },
        { "POST", Pf, "{\"name\":\"x\",}", "body" },
        { "POST", Pf, "{\"name\":\"x\"} trailing", "body" },
        { "POST", Pf, "{/*comment*/\"name\":\"x\"}", "body" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":\"80\",\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80.5,\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":99999999999,\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":0,\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":65536,\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":-1,\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"icmp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "protocol" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":1,\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "protocol" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9; flush ruleset\"}", "internalAddress" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.001.9\"}", "internalAddress" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":42}", "internalAddress" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80}", "internalAddress" },
        { "POST", Pf, "{\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "name" },
        { "POST", Pf, "{\"name\":\"line\\nbreak\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "name" },
        { "POST", Pf, "{\"name\":\"\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "name" },
        { "POST", Pf, "{\"name\":\"" + new string('n', 65) + "\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "name" },
        { "POST", Pf, "{\"name\":[\"x\"],\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}", "name" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"externalPortEnd\":79,\"internalAddress\":\"192.168.1.9\"}", "externalPortEnd" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":1000,\"externalPortEnd\":3000,\"internalAddress\":\"192.168.1.9\"}", "externalPortEnd" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalPort\":70000,\"internalAddress\":\"192.168.1.9\"}", "internalPort" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"sourceCidr\":\"10.0.0.1/8\",\"internalAddress\":\"192.168.1.9\"}", "sourceCidr" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"sourceCidr\":\"any } drop\",\"internalAddress\":\"192.168.1.9\"}", "sourceCidr" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"udp\",\"ftpHelper\":true,\"externalPort\":21,\"internalAddress\":\"192.168.1.9\"}", "ftpHelper" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"logLevel\":\"loud\",\"internalAddress\":\"192.168.1.9\"}", "logLevel" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"enabled\":\"yes\",\"internalAddress\":\"192.168.1.9\"}", "enabled" },
        { "POST", Pf, "{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":80,\"externalPort\":81,\"internalAddress\":\"192.168.1.9\"}", "externalPort" },
        { "POST", Mf, "{\"mac\":\"aa:bb:cc:dd:ee\",\"name\":\"x\"}", "mac" },
        { "POST", Mf, "{\"mac\":\"aa:bb:cc:dd:ee:gg\",\"name\":\"x\"}", "mac" },
        { "POST", Mf, "{\"mac\":\"ff:ff:ff:ff:ff:ff\",\"name\":\"x\"}", "mac" },
        { "POST", Mf, "{\"mac\":\"aa:bb:cc:dd:ee:ff\\\"; drop\",\"name\":\"x\"}", "mac" },
        { "POST", Mf, "{\"mac\":\"aa:bb:cc:dd:ee:f0\",\"name\":\"tab\\there\"}", "name" },
        { "POST", Mf, "{\"mac\":\"aa:bb:cc:dd:ee:f0\"}", "name" },
        { "POST", Mf, "{\"mac\":12,\"name\":\"x\"}", "mac" },
        { "PUT", Mf + "/policy", "{\"mode\":\"block-all\"}", "mode" },
        { "PUT", Mf + "/policy", "{}", "mode" },
        { "PUT", Mf + "/policy", "{\"mode\":null}", "mode" },
        { "PUT", "/api/v1/network", "{\"wanInterface\":\"eth0\\n\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\"}", "wanInterface" },
        { "PUT", "/api/v1/network", "{\"wanInterface\":\"eth0\",\"lanInterface\":\"br-lan}\",\"lanAddress\":\"192.168.1.1/24\"}", "lanInterface" },
        { "PUT", "/api/v1/network", "{\"wanInterface\":\"averyveryverylongname\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\"}", "wanInterface" },
        { "PUT", "/api/v1/network", "{\"wanInterface\":\"eth0\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/33\"}", "lanAddress" },
        { "PUT", "/api/v1/network", "{\"wanInterface\":\"eth0\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":1}", "masquerade" },
        { "PUT", "/api/v1/logging", "{\"droppedInput\":\"verbose\"}", "droppedInput" },
        { "PUT", "/api/v1/logging", "{\"ratePerMinute\":0}", "ratePerMinute" },
        { "PUT", "/api/v1/logging", "{\"burst\":100000}", "burst" },
        { "PUT", "/api/v1/logging", "{\"ratePerMinute\":\"60\"}", "ratePerMinute" },
        { "PUT", "/api/v1/config", "{\"network\":null,\"portForwards\":[],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{}}", "network" },
        { "PUT", "/api/v1/config", "{\"network\":{\"wanInterface\":\"a\",\"lanInterface\":\"b\",\"lanAddress\":\"192.168.1.1/24\"},\"portForwards\":[{\"name\":\"x\",\"protocol\":\"tcp\",\"externalPort\":\"x\",\"internalAddress\":\"192.168.1.5\"}],\"macFilters\":[],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{}}", "portForwards[0].externalPort" },
        { "PUT", "/api/v1/config", "{\"network\":{\"wanInterface\":\"a\",\"lanInterface\":\"b\",\"lanAddress\":\"192.168.1.1/24\"},\"portForwards\":[],\"macFilters\":[{\"mac\":\"02:00:00:00:00:01\",\"name\":\"a\"},{\"mac\":\"02-00-00-00-00-01\",\"name\":\"b\"}],\"macPolicy\":{\"mode\":\"off\"},\"logging\":{}}", "macFilters[1].mac" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_bad_body_is_400_naming_the_field_and_stores_nothing(string method, string path, string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await SnapshotAsync(client);

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name '{field}': {errors}");
        Assert.Equal(before, await SnapshotAsync(client));
    }

    [Fact]
    public async Task A_body_without_a_json_content_type_is_415_problem_and_stores_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        var before = await SnapshotAsync(client);
        using var content = new StringContent("{\"mac\":\"02:00:00:00:00:09\",\"name\":\"x\"}", Encoding.UTF8, "text/plain");
        var response = await client.PostAsync(Mf, content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await SnapshotAsync(client));
    }

    [Fact]
    public async Task An_oversized_item_body_is_400_and_stores_nothing()
    {
        using var client = app.CreateAuthorizedClient();
        var before = await SnapshotAsync(client);
        var huge = "{\"name\":\"" + new string('x', 1024 * 1024 + 10) + "\",\"protocol\":\"tcp\",\"externalPort\":80,\"internalAddress\":\"192.168.1.9\"}";
        var response = await client.PostAsync(Pf, new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal(before, await SnapshotAsync(client));
    }

    [Fact]
    public async Task Deeply_nested_json_is_400_not_500()
    {
        using var client = app.CreateAuthorizedClient();
        var nested = "{\"name\":" + new string('[', 5000) + new string(']', 5000) + "}";
        var response = await client.PostAsync(Pf, new StringContent(nested, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<string> SnapshotAsync(HttpClient client) =>
        await client.GetStringAsync("/api/v1/config") + "|" + await app.DesiredRevisionInDatabaseAsync();
}

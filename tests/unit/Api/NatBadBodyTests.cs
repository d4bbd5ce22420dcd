using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// A corpus of bad bodies across 1:1 NAT, redirects, policy routes, helpers and a forward's helper: each must be a
/// 400 naming the field, store nothing and leave the revision alone, on create and on update alike.
/// </summary>
public sealed class NatBadBodyTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private const string O = "\"name\":\"o\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"192.168.1.50\"";
    private const string R = "\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53,\"toPort\":5353";
    private const string P = "\"name\":\"p\",\"source\":\"192.168.1.77\",\"outInterface\":\"wan2\"";
    private const string F = "\"name\":\"f\",\"externalPort\":45000,\"internalAddress\":\"192.168.1.90\"";

    public static TheoryData<string, string, string> Corpus => new()
    {
        // resource, body, the field the errors map must name
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.300\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"192.168.1.60\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"0.0.0.0\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"224.0.0.1\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.5/32\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.5; flush ruleset\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"2001:db8::1\",\"internalAddress\":\"192.168.1.50\"}", "externalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"10.0.0.5\"}", "internalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"192.168.1.1\"}", "internalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"192.168.1.255\"}", "internalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":42}", "internalAddress" },
        { "one-to-one", "{\"name\":\"o\",\"externalAddress\":\"203.0.113.50\"}", "internalAddress" },
        { "one-to-one", "{" + O + ",\"addAddress\":\"yes\"}", "addAddress" },
        { "one-to-one", "{" + O + ",\"enabled\":\"true\"}", "enabled" },
        { "one-to-one", "{\"name\":\"line\\nbreak\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"192.168.1.50\"}", "name" },
        { "one-to-one", "{\"name\":\"" + new string('n', 65) + "\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"192.168.1.50\"}", "name" },
        { "one-to-one", "{\"name\":\"\",\"externalAddress\":\"203.0.113.50\",\"internalAddress\":\"192.168.1.50\"}", "name" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"icmp\",\"port\":53,\"toPort\":5353}", "protocol" },
        { "redirects", "{\"name\":\"r\",\"protocol\":6,\"port\":53,\"toPort\":5353}", "protocol" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":0,\"toPort\":5353}", "port" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":70000,\"toPort\":5353}", "port" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53.5,\"toPort\":5353}", "port" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53,\"toPort\":\"53\"}", "toPort" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53,\"toPort\":0}", "toPort" },
        { "redirects", "{\"name\":\"r\",\"protocol\":\"tcp\",\"port\":53}", "toPort" },
        { "redirects", "{" + R + ",\"portEnd\":52}", "portEnd" },
        { "redirects", "{" + R + ",\"inInterface\":\"eth0\\\"; flush ruleset\"}", "inInterface" },
        { "redirects", "{" + R + ",\"inInterface\":\"averyveryverylongname\"}", "inInterface" },
        { "redirects", "{" + R + ",\"destination\":\"203.0.113.5/24\"}", "destination" },
        { "redirects", "{" + R + ",\"destination\":\"dns.example\"}", "destination" },
        { "redirects", "{\"name\":\"nul\\u0000byte\",\"protocol\":\"tcp\",\"port\":53,\"toPort\":5353}", "name" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"192.168.1.77\",\"outInterface\":\"ppp*\"}", "outInterface" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"192.168.1.77\",\"outInterface\":\"br-lan\"}", "outInterface" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"192.168.1.77\",\"outInterface\":\"wan 2\"}", "outInterface" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"192.168.1.77\"}", "outInterface" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"10.1.2.0/24\",\"outInterface\":\"wan2\"}", "source" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"192.168.1.5/24\",\"outInterface\":\"wan2\"}", "source" },
        { "policy-routes", "{\"name\":\"p\",\"source\":\"192.168.0.0/16\",\"outInterface\":\"wan2\"}", "source" },
        { "policy-routes", "{\"name\":\"p\",\"source\":[\"192.168.1.77\"],\"outInterface\":\"wan2\"}", "source" },
        { "policy-routes", "{" + P + ",\"gateway\":\"198.51.100.1/24\"}", "gateway" },
        { "policy-routes", "{" + P + ",\"gateway\":\"255.255.255.255\"}", "gateway" },
        { "policy-routes", "{" + P + ",\"masquerade\":\"true\"}", "masquerade" },
        { "helpers", "{\"outbound\":[\"gopher\"]}", "outbound[0]" },
        { "helpers", "{\"outbound\":[\"ftp\",\"ftp\"]}", "outbound[1]" },
        { "helpers", "{\"outbound\":\"ftp\"}", "outbound" },
        { "helpers", "{\"outbound\":null}", "outbound" },
        { "helpers", "{\"outbound\":[null]}", "outbound[0]" },
        { "helpers", "{\"outbound\":[3]}", "outbound[0]" },
        { "port-forwards", "{" + F + ",\"protocol\":\"tcp\",\"helper\":\"gopher\"}", "helper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"tcp\",\"helper\":0}", "helper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"tcp\",\"helper\":\"tftp\"}", "helper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"udp\",\"helper\":\"ftp\"}", "helper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"both\",\"helper\":\"sip\"}", "helper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"udp\",\"helper\":\"tftp\",\"ftpHelper\":true}", "ftpHelper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"tcp\",\"helper\":\"ftp\",\"ftpHelper\":false}", "ftpHelper" },
        { "port-forwards", "{" + F + ",\"protocol\":\"udp\",\"ftpHelper\":true}", "ftpHelper" },
        { "one-to-one", "null", "body" },
        { "redirects", "[{" + R + "}]", "body" },
        { "policy-routes", "{" + P + ",}", "body" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_bad_body_is_400_naming_the_field_and_nothing_is_stored(string resource, string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var url = $"/api/v1/{resource}";
        var before = await client.GetStringAsync(url);
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = resource == "helpers" ? await client.PutAsync(url, RuleApiTests.Json(body)) : await client.PostAsync(url, RuleApiTests.Json(body));

        await AssertBadAsync(response, field);
        Assert.Equal(before, await client.GetStringAsync(url));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task The_same_bad_bodies_on_update_are_400_and_leave_each_item_as_it_was()
    {
        using var client = app.CreateAuthorizedClient();
        var valid = new Dictionary<string, string>
        {
            ["one-to-one"] = "{\"name\":\"kept\",\"externalAddress\":\"203.0.113.70\",\"internalAddress\":\"192.168.1.70\"}",
            ["redirects"] = "{" + R + "}",
            ["policy-routes"] = "{\"name\":\"kept\",\"source\":\"192.168.1.71\",\"outInterface\":\"wan2\"}",
            ["port-forwards"] = "{\"name\":\"kept\",\"protocol\":\"tcp\",\"externalPort\":46000,\"internalAddress\":\"192.168.1.72\"}",
        };
        var ids = new Dictionary<string, int>();
        foreach (var (resource, body) in valid)
        {
            var created = await client.PostAsync($"/api/v1/{resource}", RuleApiTests.Json(body));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            ids[resource] = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        }

        var before = new Dictionary<string, string>();
        foreach (var resource in valid.Keys)
        {
            before[resource] = await client.GetStringAsync($"/api/v1/{resource}/{ids[resource]}");
        }

        var revision = await app.DesiredRevisionInDatabaseAsync();
        var tried = 0;
        foreach (var row in Corpus)
        {
            var (resource, body, field) = ((string)row[0], (string)row[1], (string)row[2]);
            // On an update the alias that differs from the stored forward wins (docs/rest.md): helper "ftp" with the
            // ftpHelper:false the stored forward already has is a change of helper, not a contradiction.
            if (!ids.TryGetValue(resource, out var id) || body.Contains("\"helper\":\"ftp\",\"ftpHelper\":false", StringComparison.Ordinal))
            {
                continue;
            }

            await AssertBadAsync(await client.PutAsync($"/api/v1/{resource}/{id}", RuleApiTests.Json(body)), field);
            tried++;
        }

        Assert.True(tried >= 40, $"only {tried} bodies tried");
        foreach (var resource in valid.Keys)
        {
            Assert.Equal(before[resource], await client.GetStringAsync($"/api/v1/{resource}/{ids[resource]}"));
        }

        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Theory]
    [InlineData("one-to-one", "{\"name\":\"edge\",\"externalAddress\":\"1.1.1.1\",\"internalAddress\":\"192.168.1.254\",\"addAddress\":false}")]
    [InlineData("redirects", "{\"name\":\"edge\",\"inInterface\":\"wg*\",\"protocol\":\"udp\",\"port\":1,\"portEnd\":65535,\"toPort\":65535,\"destination\":\"0.0.0.0/0\"}")]
    [InlineData("policy-routes", "{\"name\":\"edge\",\"source\":\"192.168.1.0/24\",\"outInterface\":\"ppp0\",\"gateway\":null,\"masquerade\":false}")]
    [InlineData("port-forwards", "{\"name\":\"edge\",\"protocol\":\"udp\",\"externalPort\":69,\"internalAddress\":\"192.168.1.2\",\"helper\":\"tftp\",\"ftpHelper\":false}")]
    public async Task Edge_values_that_are_valid_are_accepted(string resource, string body)
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsync($"/api/v1/{resource}", RuleApiTests.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/{resource}/{id}")).StatusCode);
    }

    private static async Task AssertBadAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 naming {field}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
    }
}

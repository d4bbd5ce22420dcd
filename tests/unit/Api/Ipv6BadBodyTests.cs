using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// Malformed and hostile IPv6 in pinholes and network.lanIpv6: each body is a 400 naming the field, stores nothing and
/// leaves the revision alone, on create and on update alike.
/// </summary>
public sealed class Ipv6BadBodyTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private const string Head = "\"name\":\"p\",\"protocol\":\"tcp\",\"port\":443";

    public static TheoryData<string, string> Pinholes => new()
    {
        // body, the field the errors map must name
        { "{" + Head + ",\"hostSuffix\":\"::10%eth0\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"fe80::10%2\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"[::10]\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::ffff:192.168.1.10\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::ffff:c0a8:10a\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::192.168.1.10\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"192.168.1.10\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"0000:0000:0000:0000:0000:0000:0000:00010\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"1:2:3:4:5:6:7:8:9\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::10/64\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"2001:db8::10\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"1::10\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\":::10\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::10 \"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::10; flush ruleset\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::g\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::１０\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":10}", "hostSuffix" },
        { "{" + Head + "}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"\",\"mac\":\"\"}", "hostSuffix" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"mac\":\"aa:bb:cc:00:11:22\"}", "mac" },
        { "{" + Head + ",\"mac\":\"aa:bb:cc:00:11\"}", "mac" },
        { "{" + Head + ",\"mac\":\"ff:ff:ff:ff:ff:ff\"}", "mac" },
        { "{" + Head + ",\"mac\":\"33:33:00:00:00:01\"}", "mac" },
        { "{" + Head + ",\"mac\":\"aa:bb:cc:00:11:2g\"}", "mac" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"2001:db8::1/48\"}", "sourceCidr" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"203.0.113.0/24\"}", "sourceCidr" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"::ffff:203.0.113.0/120\"}", "sourceCidr" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"fe80::%eth0/64\"}", "sourceCidr" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"2001:db8::/129\"}", "sourceCidr" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"2001:db8::/048\"}", "sourceCidr" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"sourceCidr\":\"[2001:db8::]/48\"}", "sourceCidr" },
        { "{\"name\":\"p\",\"protocol\":\"icmp\",\"port\":443,\"hostSuffix\":\"::10\"}", "protocol" },
        { "{\"name\":\"p\",\"protocol\":\"tcp\",\"port\":0,\"hostSuffix\":\"::10\"}", "port" },
        { "{\"name\":\"p\",\"protocol\":\"tcp\",\"port\":65536,\"hostSuffix\":\"::10\"}", "port" },
        { "{" + Head + ",\"portEnd\":442,\"hostSuffix\":\"::10\"}", "portEnd" },
        { "{\"name\":\"p\",\"hostSuffix\":\"::10\"}", "protocol" },
        { "{\"protocol\":\"tcp\",\"port\":443}", "name" },
        { "{\"name\":\"line\\nbreak\",\"protocol\":\"tcp\",\"port\":443,\"hostSuffix\":\"::10\"}", "name" },
        { "{" + Head + ",\"hostSuffix\":\"::10\",\"enabled\":\"yes\"}", "enabled" },
        { "null", "body" },
    };

    public static TheoryData<string, string> LanIpv6 => new()
    {
        { "\"2001:db8:1::1\"", "lanIpv6" },
        { "\"2001:db8:1::/64\"", "lanIpv6" },
        { "\"2001:db8:1::1/48\"", "lanIpv6" },
        { "\"2001:db8:1::1/128\"", "lanIpv6" },
        { "\"fe80::1/64\"", "lanIpv6" },
        { "\"fe80::1%br-lan/64\"", "lanIpv6" },
        { "\"::ffff:192.168.1.1/64\"", "lanIpv6" },
        { "\"::1/64\"", "lanIpv6" },
        { "\"ff02::1/64\"", "lanIpv6" },
        { "\"[2001:db8:1::1]/64\"", "lanIpv6" },
        { "\"2001:db8:1::1/064\"", "lanIpv6" },
        { "\"2001:0db8:0001:0000:0000:0000:0000:00001/64\"", "lanIpv6" },
        { "\"AUTO\"", "lanIpv6" },
        { "\"on\"", "lanIpv6" },
        { "\"\"", "lanIpv6" },
        { "\"2001:db8:1::1/64; flush ruleset\"", "lanIpv6" },
        { "64", "lanIpv6" },
        { "true", "lanIpv6" },
    };

    [Theory]
    [MemberData(nameof(Pinholes))]
    public async Task A_bad_pinhole_is_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/pinholes");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        await AssertBadAsync(await client.PostAsync("/api/v1/pinholes", RuleApiTests.Json(body)), field);

        Assert.Equal(before, await client.GetStringAsync("/api/v1/pinholes"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task The_same_bad_pinholes_on_update_are_400_and_leave_it_as_it_was()
    {
        using var client = app.CreateAuthorizedClient();
        var created = await client.PostAsync("/api/v1/pinholes", RuleApiTests.Json("{\"name\":\"kept\",\"protocol\":\"tcp\",\"port\":22,\"hostSuffix\":\"::77\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        var before = await client.GetStringAsync($"/api/v1/pinholes/{id}");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var tried = 0;
        foreach (var row in Pinholes)
        {
            await AssertBadAsync(await client.PutAsync($"/api/v1/pinholes/{id}", RuleApiTests.Json((string)row[0])), (string)row[1]);
            tried++;
        }

        Assert.True(tried >= 40, $"only {tried} bodies tried");
        Assert.Equal(before, await client.GetStringAsync($"/api/v1/pinholes/{id}"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Theory]
    [MemberData(nameof(LanIpv6))]
    public async Task A_bad_lan_ipv6_is_400_naming_it_and_the_network_stays(string value, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync("/api/v1/network");
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var body = "{\"wanInterface\":\"ppp*\",\"lanInterface\":\"br-lan\",\"lanAddress\":\"192.168.1.1/24\",\"masquerade\":true,\"lanIpv6\":" + value + "}";

        await AssertBadAsync(await client.PutAsync("/api/v1/network", RuleApiTests.Json(body)), field);

        Assert.Equal(before, await client.GetStringAsync("/api/v1/network"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Theory]
    [InlineData("{\"name\":\"edge\",\"enabled\":false,\"protocol\":\"udp\",\"port\":1,\"portEnd\":65535,\"hostSuffix\":\"::ffff:ffff:ffff:ffff\",\"sourceCidr\":\"::/0\"}")]
    [InlineData("{\"name\":\"edge\",\"protocol\":\"both\",\"port\":65535,\"hostSuffix\":\"::1\",\"sourceCidr\":\"2001:db8::1\"}")]
    [InlineData("{\"name\":\"edge\",\"protocol\":\"tcp\",\"port\":80,\"mac\":\"02:00:00:00:00:00\",\"hostSuffix\":\"\"}")]
    [InlineData("{\"name\":\"eui-64\",\"protocol\":\"tcp\",\"port\":80,\"hostSuffix\":\"::a00:27ff:fe4e:66a1\"}")]
    [InlineData("{\"name\":\"low 32 bits only\",\"protocol\":\"tcp\",\"port\":80,\"hostSuffix\":\"::a00:27ff\"}")]
    public async Task Edge_values_that_are_valid_are_accepted(string body)
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsync("/api/v1/pinholes", RuleApiTests.Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/pinholes/{id}")).StatusCode);
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

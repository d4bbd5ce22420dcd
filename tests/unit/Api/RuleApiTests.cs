using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gateway.Tests.Unit.Api;

/// <summary>/api/v1/rules: CRUD, run order, and a corpus of bad bodies that must each be 400 and store nothing.</summary>
public sealed class RuleApiTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private const string Rules = "/api/v1/rules";
    private const string Valid = "\"name\":\"r\",\"chain\":\"forward\",\"action\":\"drop\"";
    private const string Out = "\"name\":\"r\",\"chain\":\"output\",\"action\":\"drop\"";

    [Fact]
    public async Task Create_get_update_delete_round_trip_with_defaults_and_each_write_bumps_the_revision()
    {
        using var client = app.CreateAuthorizedClient();
        var revision = await app.DesiredRevisionInDatabaseAsync();

        // Hostile but printable text is a fine name: it only ever reaches nft as a sanitised comment.
        var created = await client.PostAsJsonAsync(Rules, new { name = "kid's \"tablet\"; flush ruleset", chain = "forward", action = "reject" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rule = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = rule.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/rules/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal("kid's \"tablet\"; flush ruleset", rule.GetProperty("name").GetString());
        Assert.True(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal("any", rule.GetProperty("family").GetString());
        Assert.Equal("any", rule.GetProperty("protocol").GetString());
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("rejectWith").ValueKind);
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("limit").ValueKind);
        Assert.Equal(0, rule.GetProperty("hits").GetProperty("packets").GetInt64());
        Assert.Equal(0, rule.GetProperty("hits").GetProperty("bytes").GetInt64());
        Assert.False(rule.TryGetProperty("effectiveRejectWith", out _));
        Assert.False(rule.TryGetProperty("hasPorts", out _));
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        var updated = await client.PutAsJsonAsync($"{Rules}/{id}", new
        {
            name = "wan ssh",
            chain = "input",
            family = "ipv4",
            inInterface = "ppp*",
            protocol = "tcp",
            source = "203.0.113.0/24",
            destinationPort = 22,
            destinationPortEnd = 23,
            sourceMac = "AA-BB-CC-00-11-22",
            action = "reject",
            rejectWith = "tcp-reset",
            logLevel = "warn",
            limit = new { ratePerSecond = 5, burst = 10 },
            enabled = false,
            hits = new { packets = 99, bytes = 999 }, // read-only: ignored
        });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var after = await client.GetFromJsonAsync<JsonElement>($"{Rules}/{id}");
        Assert.Equal("input", after.GetProperty("chain").GetString());
        Assert.Equal("ppp*", after.GetProperty("inInterface").GetString());
        Assert.Equal("aa:bb:cc:00:11:22", after.GetProperty("sourceMac").GetString());
        Assert.Equal("tcp-reset", after.GetProperty("rejectWith").GetString());
        Assert.Equal(23, after.GetProperty("destinationPortEnd").GetInt32());
        Assert.Equal(10, after.GetProperty("limit").GetProperty("burst").GetInt32());
        Assert.False(after.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, after.GetProperty("hits").GetProperty("packets").GetInt64());
        Assert.Equal(revision + 2, await app.DesiredRevisionInDatabaseAsync());

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Rules}/{id}")).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());
        var gone = await client.GetAsync($"{Rules}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Rules}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsJsonAsync($"{Rules}/{id}", new { name = "x", chain = "input", action = "drop" })).StatusCode);
        Assert.Equal(revision + 3, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task A_new_rule_goes_last_and_the_order_can_be_set_as_a_whole()
    {
        using var client = app.CreateAuthorizedClient();
        var ids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var created = await client.PostAsJsonAsync(Rules, new { name = $"order {i}", chain = "forward", action = "accept" });
            ids.Add((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
            Assert.Equal(ids, (await ListIdsAsync(client)).TakeLast(ids.Count));
        }

        var all = await ListIdsAsync(client);
        var reversed = all.AsEnumerable().Reverse().ToList();
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var response = await client.PutAsJsonAsync($"{Rules}/order", new { ids = reversed });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(reversed, (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(r => r.GetProperty("id").GetInt32()));
        Assert.Equal(reversed, await ListIdsAsync(client));
        Assert.Equal(revision + 1, await app.DesiredRevisionInDatabaseAsync());

        // An update keeps the rule's place; a new one still goes last.
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"{Rules}/{reversed[0]}", new { name = "renamed", chain = "forward", action = "drop" })).StatusCode);
        var last = (await (await client.PostAsJsonAsync(Rules, new { name = "newest", chain = "output", action = "accept" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal([.. reversed, last], await ListIdsAsync(client));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("duplicate")]
    [InlineData("unknown")]
    [InlineData("not an array")]
    [InlineData("null")]
    [InlineData("no key")]
    [InlineData("strings")]
    public async Task A_bad_order_is_400_naming_ids_and_changes_nothing(string kind)
    {
        using var client = app.CreateAuthorizedClient();
        for (var i = 0; i < 2; i++)
        {
            await client.PostAsJsonAsync(Rules, new { name = $"bad order {i}", chain = "forward", action = "accept" });
        }

        var ids = await ListIdsAsync(client);
        var before = await client.GetStringAsync(Rules);
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var body = kind switch
        {
            "missing" => JsonSerializer.Serialize(new { ids = ids.Skip(1) }),
            "duplicate" => JsonSerializer.Serialize(new { ids = ids.Append(ids[0]) }),
            "unknown" => JsonSerializer.Serialize(new { ids = ids.Append(987654) }),
            "not an array" => "{\"ids\":" + ids[0] + "}",
            "null" => "{\"ids\":null}",
            "no key" => "{}",
            _ => "{\"ids\":[" + string.Join(",", ids.Select(i => $"\"{i}\"")) + "]}",
        };

        var response = await client.PutAsync($"{Rules}/order", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").EnumerateObject().Any(e => e.Name.StartsWith("ids", StringComparison.Ordinal)), $"errors should name ids: {problem}");
        Assert.Equal(before, await client.GetStringAsync(Rules));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    public static TheoryData<string, string> Corpus => new()
    {
        // body, the field the errors map must name
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"allow\"}", "action" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"ACCEPT\"}", "action" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":0}", "action" },
        { "{\"name\":\"r\",\"chain\":\"prerouting\",\"action\":\"drop\"}", "chain" },
        { "{" + Valid + ",\"family\":\"inet\"}", "family" },
        { "{" + Valid + ",\"protocol\":\"sctp\"}", "protocol" },
        { "{" + Valid + ",\"enabled\":\"true\"}", "enabled" },
        { "{\"name\":42,\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{" + Valid + ",\"protocol\":\"tcp\",\"destinationPort\":\"80\"}", "destinationPort" },
        { "{" + Valid + ",\"protocol\":\"tcp\",\"destinationPort\":80.5}", "destinationPort" },
        { "{" + Valid + ",\"limit\":{\"ratePerSecond\":\"5\",\"burst\":5}}", "limit.ratePerSecond" },
        { "{" + Valid + ",\"logLevel\":\"loud\"}", "logLevel" },
        { "{" + Valid + ",\"rejectWith\":\"icmp-bogus\"}", "rejectWith" },
        { "{" + Valid + ",\"rejectWith\":\"admin-prohibited\"}", "rejectWith" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"accept\",\"rejectWith\":\"default\"}", "rejectWith" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"reject\",\"protocol\":\"udp\",\"rejectWith\":\"tcp-reset\"}", "rejectWith" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"reject\",\"protocol\":\"tcp+udp\",\"rejectWith\":\"tcp-reset\"}", "rejectWith" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"reject\",\"rejectWith\":\"tcp-reset\"}", "rejectWith" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":\"reject\",\"family\":\"ipv6\",\"rejectWith\":\"host-prohibited\"}", "rejectWith" },
        { "{" + Valid + ",\"protocol\":\"icmp\",\"destinationPort\":80}", "destinationPort" },
        { "{" + Valid + ",\"destinationPort\":80}", "destinationPort" },
        { "{" + Valid + ",\"protocol\":\"tcp\",\"destinationPortEnd\":80}", "destinationPortEnd" },
        { "{" + Valid + ",\"protocol\":\"tcp\",\"destinationPort\":70000}", "destinationPort" },
        { "{" + Valid + ",\"protocol\":\"udp\",\"destinationPort\":80,\"destinationPortEnd\":79}", "destinationPortEnd" },
        { "{\"name\":\"r\",\"chain\":\"input\",\"action\":\"drop\",\"outInterface\":\"eth0\"}", "outInterface" },
        { "{\"name\":\"r\",\"chain\":\"output\",\"action\":\"drop\",\"inInterface\":\"eth0\"}", "inInterface" },
        { "{" + Valid + ",\"inInterface\":\"eth0\\\"; flush ruleset\"}", "inInterface" },
        { "{" + Valid + ",\"outInterface\":\"eth 0\"}", "outInterface" },
        { "{" + Valid + ",\"inInterface\":\"averyveryverylongname\"}", "inInterface" },
        { "{\"name\":\"line\\nbreak\",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{\"name\":\"nul\\u0000byte\",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{\"name\":\"sep\\u2028arator\",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{\"name\":\"" + new string('n', 65) + "\",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{\"name\":\"" + string.Concat(Enumerable.Repeat("🔥", 65)) + "\",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{\"name\":\"   \",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{\"name\":\"\",\"chain\":\"forward\",\"action\":\"drop\"}", "name" },
        { "{" + Valid + ",\"source\":\"10.0.0.0/8; flush ruleset\"}", "source" },
        { "{" + Valid + ",\"family\":\"ipv4\",\"source\":\"2001:db8::1\"}", "source" },
        { "{" + Valid + ",\"family\":\"ipv6\",\"destination\":\"192.168.1.20\"}", "destination" },
        { "{" + Valid + ",\"source\":\"192.168.1.0/24\",\"destination\":\"2001:db8::/32\"}", "destination" },
        { "{" + Valid + ",\"source\":\"fe80::1%eth0\"}", "source" },
        { "{" + Valid + ",\"destination\":\"::ffff:192.168.1.20\"}", "destination" },
        { "{" + Valid + ",\"source\":\"192.168.1.5/24\"}", "source" },
        { "{" + Valid + ",\"destination\":\"2001:db8::1/32\"}", "destination" },
        { "{" + Valid + ",\"source\":\"192.168.001.5\"}", "source" },
        { "{" + Valid + ",\"source\":\"[2001:db8::1]\"}", "source" },
        { "{" + Valid + ",\"family\":\"ipv6\",\"protocol\":\"icmp\"}", "protocol" },
        { "{" + Valid + ",\"family\":\"ipv4\",\"protocol\":\"icmpv6\"}", "protocol" },
        { "{" + Valid + ",\"sourceMac\":\"aa:bb:cc:dd:ee\"}", "sourceMac" },
        { "{" + Valid + ",\"sourceMac\":\"01:00:5e:00:00:01\"}", "sourceMac" },
        { "{\"name\":\"r\",\"chain\":\"output\",\"action\":\"drop\",\"sourceMac\":\"aa:bb:cc:dd:ee:ff\"}", "sourceMac" },
        { "{" + Valid + ",\"limit\":{\"ratePerSecond\":0,\"burst\":5}}", "limit.ratePerSecond" },
        { "{" + Valid + ",\"limit\":{\"ratePerSecond\":5,\"burst\":0}}", "limit.burst" },
        { "{" + Valid + ",\"limit\":{\"ratePerSecond\":5}}", "limit.burst" },
        { "{" + Valid + ",\"limit\":{\"ratePerSecond\":-1,\"burst\":5}}", "limit.ratePerSecond" },
        { "{" + Out + ",\"user\":\"no-such-user-here\"}", "user" },
        { "{" + Out + ",\"group\":\"no-such-group-here\"}", "group" },
        { "{" + Valid + ",\"user\":\"nobody\"}", "user" },
        { "{\"name\":\"r\",\"chain\":\"input\",\"action\":\"drop\",\"group\":\"nogroup\"}", "group" },
        { "{" + Out + ",\"user\":\"nobody\\\"; flush ruleset\"}", "user" },
        { "{" + Out + ",\"user\":\"1nobody\"}", "user" },
        { "{" + Out + ",\"group\":\"" + new string('g', 33) + "\"}", "group" },
        { "{" + Out + ",\"user\":42}", "user" },
        { "{" + Valid + ",\"quota\":{\"bytes\":0,\"mode\":\"until\"}}", "quota.bytes" },
        { "{" + Valid + ",\"quota\":{\"bytes\":-5,\"mode\":\"over\"}}", "quota.bytes" },
        { "{" + Valid + ",\"quota\":{\"bytes\":1125899906842625,\"mode\":\"over\"}}", "quota.bytes" },
        { "{" + Valid + ",\"quota\":{\"bytes\":\"200000\",\"mode\":\"until\"}}", "quota.bytes" },
        { "{" + Valid + ",\"quota\":{\"bytes\":200000}}", "quota.mode" },
        { "{" + Valid + ",\"quota\":{\"mode\":\"until\"}}", "quota.bytes" },
        { "{" + Valid + ",\"quota\":{\"bytes\":200000,\"mode\":\"under\"}}", "quota.mode" },
        { "{\"name\":\"r\",\"chain\":\"forward\"}", "action" },
        { "{\"name\":\"r\",\"chain\":\"forward\",\"action\":null}", "action" },
        { "[" + "{" + Valid + "}]", "body" },
        { "{" + Valid + ",}", "body" },
        { "null", "body" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_bad_rule_is_400_naming_the_field_and_nothing_is_stored(string body, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetStringAsync(Rules);
        var revision = await app.DesiredRevisionInDatabaseAsync();

        var response = await client.PostAsync(Rules, Json(body));

        await AssertBadAsync(response, field);
        Assert.Equal(before, await client.GetStringAsync(Rules));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task The_same_bad_bodies_on_update_are_400_and_leave_the_rule_as_it_was()
    {
        using var client = app.CreateAuthorizedClient();
        var created = await client.PostAsJsonAsync(Rules, new { name = "target", chain = "forward", action = "drop" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var before = await client.GetStringAsync($"{Rules}/{id}");
        var revision = await app.DesiredRevisionInDatabaseAsync();

        foreach (var row in Corpus)
        {
            var (body, field) = ((string)row[0], (string)row[1]);
            await AssertBadAsync(await client.PutAsync($"{Rules}/{id}", Json(body)), field);
        }

        Assert.Equal(before, await client.GetStringAsync($"{Rules}/{id}"));
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
    }

    [Fact]
    public async Task Every_missing_required_field_is_reported_at_once()
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsync(Rules, Json("{\"family\":\"ipv4\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("chain", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("action", out _), errors.ToString());
    }

    [Theory]
    [InlineData("{\"name\":\"v6 admin\",\"chain\":\"input\",\"action\":\"reject\",\"family\":\"ipv6\",\"rejectWith\":\"admin-prohibited\"}")]
    [InlineData("{\"name\":\"any prot\",\"chain\":\"forward\",\"action\":\"reject\",\"rejectWith\":\"prot-unreachable\"}")]
    [InlineData("{\"name\":\"tcp reset\",\"chain\":\"forward\",\"action\":\"reject\",\"protocol\":\"tcp\",\"rejectWith\":\"tcp-reset\"}")]
    [InlineData("{\"name\":\"v6 net\",\"chain\":\"forward\",\"action\":\"accept\",\"source\":\"2001:db8::/32\",\"protocol\":\"icmpv6\"}")]
    [InlineData("{\"name\":\"ping\",\"chain\":\"input\",\"action\":\"drop\",\"protocol\":\"icmp\",\"limit\":{\"ratePerSecond\":1,\"burst\":1}}")]
    [InlineData("{\"name\":\"login\",\"chain\":\"output\",\"action\":\"reject\",\"user\":\"nobody\",\"group\":\"nogroup\"}")]
    [InlineData("{\"name\":\"root\",\"chain\":\"output\",\"action\":\"accept\",\"user\":\"root\",\"quota\":{\"bytes\":1,\"mode\":\"over\"}}")]
    [InlineData("{\"name\":\"quota\",\"chain\":\"forward\",\"action\":\"accept\",\"quota\":{\"bytes\":1125899906842624,\"mode\":\"until\"}}")]
    [InlineData("{\"name\":\"wide\",\"chain\":\"forward\",\"action\":\"drop\",\"outInterface\":\"ppp*\",\"protocol\":\"tcp+udp\",\"destinationPort\":1,\"destinationPortEnd\":65535}")]
    public async Task Edge_values_that_are_valid_are_accepted(string body)
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsync(Rules, Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_name_of_exactly_64_characters_or_64_emoji_is_accepted_and_65_emoji_is_not()
    {
        using var client = app.CreateAuthorizedClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(Rules, new { name = new string('n', 64), chain = "forward", action = "drop" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(Rules, new { name = string.Concat(Enumerable.Repeat("🔥", 33)), chain = "forward", action = "drop" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(Rules, new { name = string.Concat(Enumerable.Repeat("🔥", 64)), chain = "forward", action = "drop" })).StatusCode);
        await AssertBadAsync(await client.PostAsJsonAsync(Rules, new { name = string.Concat(Enumerable.Repeat("🔥", 65)), chain = "forward", action = "drop" }), "name");
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertBadAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 naming {field}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"errors should name {field}: {errors}");
    }

    private static async Task<List<int>> ListIdsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>(Rules)).EnumerateArray().Select(r => r.GetProperty("id").GetInt32()).ToList();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Web.Data;
using Gateway.Web.State;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The cached desired state (bulk restore, per-table snapshot, per-revision JSON) answers exactly what reading the
/// database afresh answers; list GETs carry ETags and answer 304 while unchanged.
/// </summary>
public sealed class SnapshotAndETagTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    private static readonly string[] Lists =
        ["port-forwards", "mac-filters", "rules", "one-to-one", "redirects", "policy-routes", "pinholes", "config"];

    [Fact]
    public async Task A_restore_keeps_existing_ids_numbers_new_ones_on_and_every_read_agrees_with_the_database()
    {
        using var client = app.CreateAuthorizedClient();
        var first = await PutAsync(client, Restore(ids: [null, null, null], macIds: [null, null]));
        var firstForwards = first.GetProperty("portForwards").EnumerateArray().Select(f => f.GetProperty("id").GetInt32()).ToList();
        var firstMacs = first.GetProperty("macFilters").EnumerateArray().Select(f => f.GetProperty("id").GetInt32()).ToList();

        // Keep the second forward and the first MAC; an id nobody has (9999) is a new item like one without an id.
        var second = await PutAsync(client, Restore(ids: [null, firstForwards[1], 9999], macIds: [firstMacs[0], null]));

        var forwardIds = second.GetProperty("portForwards").EnumerateArray().Select(f => f.GetProperty("id").GetInt32()).ToList();
        var newest = firstForwards.Max();
        Assert.Equal([firstForwards[1], newest + 1, newest + 2], forwardIds);
        var macIds = second.GetProperty("macFilters").EnumerateArray().Select(f => f.GetProperty("id").GetInt32()).ToList();
        Assert.Equal([firstMacs[0], firstMacs.Max() + 1], macIds);
        Assert.Equal(["r0", "r1", "r2"], second.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("name").GetString()));

        var fromDatabase = await ReadFromDatabaseAsync();
        Assert.Equal(fromDatabase, second.GetRawText());
        Assert.Equal(fromDatabase, await client.GetStringAsync("/api/v1/config"));

        // One-row writes after it: the snapshot re-reads what they touched and still equals the database.
        var created = await client.PostAsJsonAsync("/api/v1/port-forwards", new { name = "late", protocol = "udp", externalPort = 5000, internalAddress = "192.168.1.30" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/mac-filters/{macIds[1]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/api/v1/logging", new { droppedInput = "info" })).StatusCode);

        var afterWrites = await client.GetStringAsync("/api/v1/config");
        Assert.Equal(await ReadFromDatabaseAsync(), afterWrites);
        Assert.Contains("\"late\"", afterWrites, StringComparison.Ordinal);
        var snapshot = await app.Services.GetRequiredService<DesiredStateCache>().SnapshotAsync();
        Assert.Equal(await app.DesiredRevisionInDatabaseAsync(), snapshot!.Value.Revision);
    }

    [Theory]
    [MemberData(nameof(ListPaths))]
    public async Task An_unchanged_list_answers_304_to_its_etag(string list)
    {
        using var client = app.CreateAuthorizedClient();
        var first = await client.GetAsync($"/api/v1/{list}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Equal("application/json", first.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty(await first.Content.ReadAsByteArrayAsync());

        foreach (var tag in new[] { etag, new EntityTagHeaderValue(etag.Tag, isWeak: true) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/{list}");
            request.Headers.IfNoneMatch.Add(tag);
            var again = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
            Assert.Equal(etag, again.Headers.ETag);
            Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        }

        using var other = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/{list}");
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(other)).StatusCode);
    }

    public static TheoryData<string> ListPaths() => new(Lists);

    [Fact]
    public async Task A_write_changes_the_lists_etag_and_the_old_tag_gets_the_new_body()
    {
        using var client = app.CreateAuthorizedClient();
        var before = await client.GetAsync("/api/v1/redirects");
        var etag = before.Headers.ETag!;

        var created = await client.PostAsJsonAsync("/api/v1/redirects", new { name = "dns etag", protocol = "udp", port = 53, toPort = 5353 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/redirects");
        request.Headers.IfNoneMatch.Add(etag);
        var after = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag);
        Assert.Contains("dns etag", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> ReadFromDatabaseAsync()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<GatewayDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var config = await ConfigService.ReadConfigAsync(db, default);
        var options = app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        return JsonSerializer.Serialize(config, options);
    }

    private static async Task<JsonElement> PutAsync(HttpClient client, object body)
    {
        var response = await client.PutAsJsonAsync("/api/v1/config", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static object Restore(int?[] ids, int?[] macIds) => new
    {
        network = new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true },
        portForwards = ids.Select((id, i) => new { id, name = $"f{i}", protocol = "tcp", externalPort = 7000 + i, internalAddress = "192.168.1.20", logLevel = i == 0 ? "info" : null }),
        macFilters = macIds.Select((id, i) => new { id, mac = $"02:00:00:00:0{i}:AB", name = $"m{i}", enabled = true }),
        macPolicy = new { mode = "deny-listed" },
        logging = new { droppedInput = "off", droppedForward = "warn", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10 },
        rules = Enumerable.Range(0, 3).Select(i => new { name = $"r{i}", chain = "forward", source = $"10.0.0.{i}", action = "drop", sourceMac = i == 1 ? "02-00-00-00-00-CD" : null }),
        redirects = new[] { new { name = "dns", protocol = "both", port = 53, toPort = 53 } },
    };
}

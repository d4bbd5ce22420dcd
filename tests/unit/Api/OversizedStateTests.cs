using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The agent receives the whole desired state in one frame of at most 16 MiB. Within the item counts the
/// validator allows, names of emoji (12 bytes each once JSON-escaped) can push it past that: such a state
/// must be refused at the door, not stored and then never applied.
/// </summary>
public sealed class OversizedStateTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task A_restore_whose_agent_frame_would_pass_16_MiB_is_400_and_nothing_is_stored()
    {
        using var client = app.CreateAuthorizedClient();
        var name = string.Concat(Enumerable.Repeat("\U0001F600", 32)); // 32 of the 64 characters a name may have (128 UTF-8 bytes)
        var restore = new
        {
            network = new { wanInterface = "ppp*", lanInterface = "br-lan", lanAddress = "192.168.1.1/24", masquerade = true },
            // Disabled, so the overlap rule has nothing to say about the shared ports.
            portForwards = Enumerable.Range(1, 16384).Select(i => new
            {
                name,
                enabled = false,
                protocol = "both",
                externalPort = 10000,
                externalPortEnd = 10100,
                internalAddress = "192.168.1.200",
                internalPort = 20000,
                sourceCidr = "203.0.113.128/25",
                logLevel = "debug",
            }),
            macFilters = Enumerable.Range(1, 16384).Select(i => new { mac = $"02:00:00:{i >> 16:x2}:{(i >> 8) & 255:x2}:{i & 255:x2}", name, enabled = true }),
            macPolicy = new { mode = "deny-listed" },
            logging = new { droppedInput = "off", droppedForward = "off", portForwards = "off", macFilter = "off", ratePerMinute = 60, burst = 10 },
        };
        var revision = await app.DesiredRevisionInDatabaseAsync();
        var forwards = await app.CountRowsAsync("PortForwards");

        var response = await client.PutAsJsonAsync("/api/v1/config", restore);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains($"{Framing.MaxFrameBytes / 1024 / 1024} MiB", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(revision, await app.DesiredRevisionInDatabaseAsync());
        Assert.Equal(forwards, await app.CountRowsAsync("PortForwards"));
        Assert.Equal(0, await app.CountRowsAsync("MacFilters"));
    }
}

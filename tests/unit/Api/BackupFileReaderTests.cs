using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Web.Api;
using Gateway.Web.State;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The panel's restore reads a backup file with <see cref="JsonBody.Parse{T}"/> into <see cref="ConfigInput"/>, the
/// reader and record behind PUT /api/v1/config: a file REST refuses is refused in the panel too, with the same field.
/// </summary>
public sealed class BackupFileReaderTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Theory]
    [InlineData("""{"ratePerMinute":"60"}""", "logging.ratePerMinute")]
    [InlineData("""{"burst":10,"burst":11}""", "logging.burst")]
    public async Task A_file_rest_refuses_is_refused_by_the_panel_reader_with_the_same_field(string loggingPatch, string field)
    {
        using var client = app.CreateAuthorizedClient();
        var backup = await client.GetStringAsync("/api/v1/config");
        var logging = JsonNode.Parse(backup)!["logging"]!.ToJsonString();
        // Splice the patch into the logging object textually: a duplicate key can't be built through JsonNode.
        var file = backup.Replace(logging, logging.TrimEnd('}') + "," + loggingPatch.TrimStart('{'), StringComparison.Ordinal);
        Assert.NotEqual(backup, file);

        var rest = await client.PutAsync("/api/v1/config", RuleApiTests.Json(file));
        var restErrors = await ConfigRestoreFieldsTests.ErrorsAsync(rest);
        var panel = JsonBody.Parse<ConfigInput>(Encoding.UTF8.GetBytes(file));

        Assert.True(restErrors.ContainsKey(field), string.Join(", ", restErrors.Keys));
        Assert.Null(panel.Value);
        Assert.Equal(restErrors.Keys, panel.Problem!.ProblemDetails.Errors.Keys);
    }

    [Fact]
    public async Task A_forward_without_enabled_in_a_file_is_restored_enabled_as_rest_does()
    {
        using var client = app.CreateAuthorizedClient();
        var file = JsonNode.Parse(await client.GetStringAsync("/api/v1/config"))!.AsObject();
        file["portForwards"] = JsonNode.Parse("""[{"name":"from file","protocol":"udp","externalPort":31200,"internalAddress":"192.168.1.32"}]""");

        var read = JsonBody.Parse<ConfigInput>(Encoding.UTF8.GetBytes(file.ToJsonString()));
        Assert.Null(read.Problem);
        using var scope = app.Services.CreateScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<ConfigService>().ImportAsync(read.Value!);

        Assert.True(outcome.Succeeded, outcome.Errors is null ? outcome.Message : string.Join(", ", outcome.Errors.Keys));
        Assert.True(Assert.Single(outcome.Value!.PortForwards).Enabled);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/config")).StatusCode);
    }
}

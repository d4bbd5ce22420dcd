namespace Gateway.Tests.Unit.Api;

/// <summary>Validation names every bad field at once, not just the first missing one.</summary>
public sealed class EveryBadFieldTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Fact]
    public async Task A_port_forward_with_a_missing_port_and_empty_fields_names_all_three()
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsync("/api/v1/port-forwards", RuleApiTests.Json("""{"name":"","protocol":"tcp","internalAddress":""}"""));

        var errors = await ConfigRestoreFieldsTests.ErrorsAsync(response);

        Assert.Equal(["Required."], errors["externalPort"]);
        Assert.True(errors.ContainsKey("name"), string.Join(", ", errors.Keys));
        Assert.True(errors.ContainsKey("internalAddress"), string.Join(", ", errors.Keys));
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public async Task A_mac_filter_with_a_missing_mac_still_has_its_name_checked()
    {
        using var client = app.CreateAuthorizedClient();
        var response = await client.PostAsync("/api/v1/mac-filters", RuleApiTests.Json("""{"name":""}"""));

        var errors = await ConfigRestoreFieldsTests.ErrorsAsync(response);

        Assert.Equal(["Required."], errors["mac"]);
        Assert.True(errors.ContainsKey("name"), string.Join(", ", errors.Keys));
    }
}

using System.Net;

namespace Gateway.Tests.Unit.Api;

/// <summary>/tokens/{id} only revokes: reading one is 405 with Allow, like every other unsupported method.</summary>
public sealed class TokenMethodTests(ReadyGatewayApplication app) : IClassFixture<ReadyGatewayApplication>
{
    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("POST")]
    public async Task Methods_other_than_delete_on_one_token_are_405_with_allow_delete(string method)
    {
        using var client = app.CreateAuthorizedClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/v1/tokens/1"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["DELETE"], response.Content.Headers.Allow);
    }
}

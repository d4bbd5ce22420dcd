using Gateway.Web.Auth;
using Gateway.Web.Data.Entities;
using Gateway.Web.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

public sealed record CreateTokenRequest(string? Name);

/// <summary>
/// /api/v1/tokens: POST takes HTTP Basic <c>admin:&lt;password&gt;</c> (throttled per address) or the session
/// cookie and shows the new token once; GET lists without secrets; DELETE revokes.
/// </summary>
public static class TokensApi
{
    public static RouteGroupBuilder MapTokens(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/tokens").WithTags("Tokens");
        group.MapPost("/", CreateAsync)
            .AllowAnonymous() // authenticates itself: Basic or cookie, never a bearer token
            .WithName("CreateToken")
            .WithSummary("Creates an API token; send HTTP Basic admin:<password> or the session cookie. The token is shown once.")
            .Accepts<CreateTokenRequest>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        group.MapGet("/", async (ApiTokenService tokens, CancellationToken ct) => TypedResults.Ok(await tokens.ListAsync(ct)))
            .RequireApiAuth().WithName("ListTokens").WithSummary("API tokens, without their secrets.");
        group.MapDelete("/{id:int}", RevokeAsync)
            .RequireApiAuth().WithName("RevokeToken").WithSummary("Revokes a token at once.");

        // A token can't be read back, so /tokens/{id} has only DELETE. Routing answers 405 for the other methods on its
        // own, but a GET falls through to the panel's page fallback and comes back 404: this one answer covers them all,
        // so Allow names DELETE alone.
        string[] notDelete = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch];
        group.MapMethods("/{id:int}", notDelete, (HttpResponse response) =>
            {
                response.Headers.Allow = HttpMethods.Delete;
                return TypedResults.StatusCode(StatusCodes.Status405MethodNotAllowed);
            })
            .RequireApiAuth().ExcludeFromDescription();
        return group;
    }

    private static async Task<Results<Created<CreatedApiToken>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, ApiTokenService tokens, AdminAccountService account, LoginThrottle throttle, CancellationToken ct)
    {
        if (BasicCredentials.IsPresent(context.Request))
        {
            var key = LoginThrottle.KeyOf(context);
            // Reserved before the slow hash check, so parallel guesses can't all slip past the limit.
            var wait = throttle.BeginAttempt(key);
            if (wait > TimeSpan.Zero)
            {
                return ApiResults.TooManyAttempts(context.Response, wait);
            }

            if (!BasicCredentials.TryRead(context.Request, out var user, out var password)
                || !string.Equals(user, AdminUserEntity.UserName, StringComparison.Ordinal)
                || !await account.VerifyPasswordAsync(password, ct))
            {
                context.Response.Headers.WWWAuthenticate = BasicCredentials.Challenge;
                return ApiResults.Unauthorized("Wrong user name or password.");
            }

            throttle.RecordSuccess(key);
        }
        else
        {
            var cookie = await context.AuthenticateAsync(AuthSchemes.Cookie);
            if (!cookie.Succeeded)
            {
                context.Response.Headers.WWWAuthenticate = BasicCredentials.Challenge;
                return ApiResults.Unauthorized("Send HTTP Basic admin:<password>, or sign in.");
            }
        }

        var body = await JsonBody.ReadAsync<CreateTokenRequest>(context.Request, JsonBody.ItemLimit, ct);
        if (body.Problem is { } bad)
        {
            return bad;
        }

        return ApiResults.Created(await tokens.CreateAsync(body.Value!.Name, ct), created => $"/api/v1/tokens/{created.Id}");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(int id, ApiTokenService tokens, CancellationToken ct)
    {
        var outcome = await tokens.RevokeAsync(id, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : ApiResults.Problem(outcome);
    }
}

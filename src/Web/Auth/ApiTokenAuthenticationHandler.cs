using System.Security.Claims;
using System.Text.Encodings.Web;
using Gateway.Web.Data.Entities;
using Gateway.Web.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gateway.Web.Auth;

/// <summary><c>Authorization: Bearer gw_…</c> → the admin, when the token's hash is stored (not revoked).</summary>
internal sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string TokenIdClaim = "gateway:token-id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!BearerToken.TryRead(Request, out var token))
        {
            return AuthenticateResult.NoResult();
        }

        var info = await tokens.AuthenticateAsync(token, Context.RequestAborted);
        if (info is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked token.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, AdminUserEntity.UserName), new Claim(TokenIdClaim, info.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        ApiProblems.UnauthorizedAsync(Context, BearerToken.TryRead(Request, out _) ? "The bearer token is unknown or revoked." : null);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, ApiProblems.Forbidden, "Forbidden.");
}

internal static class BearerToken
{
    public static bool TryRead(HttpRequest request, out string token)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
            return true;
        }

        token = "";
        return false;
    }
}

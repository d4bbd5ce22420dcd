using System.Security.Claims;
using Gateway.Web.Data.Entities;
using Gateway.Web.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Auth;

/// <summary>
/// The browser's sign-in endpoints (antiforgery-validated form posts, not under /api/v1):
/// POST /account/login, POST /account/logout, GET /account/ticket?t=….
/// </summary>
public static class AccountEndpoints
{
    public static RouteGroupBuilder MapAccount(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/account").ExcludeFromDescription();
        group.MapPost("/login", LoginAsync).RequireAntiforgery();
        group.MapPost("/logout", LogoutAsync).RequireAntiforgery();
        group.MapGet("/ticket", RedeemTicketAsync);
        return group;
    }

    /// <summary>The form is read here rather than bound, so a bad antiforgery token reaches the filter (400), not the binder.</summary>
    private static async Task<RedirectHttpResult> LoginAsync(HttpContext context, AdminAccountService account, LoginThrottle throttle)
    {
        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted) : FormCollection.Empty;
        var password = form["password"].ToString();
        var returnUrl = form["returnUrl"].ToString();
        var key = LoginThrottle.KeyOf(context);
        // Reserved before the slow hash check, so parallel guesses can't all slip past the limit.
        if (throttle.BeginAttempt(key) > TimeSpan.Zero)
        {
            return TypedResults.Redirect("/login?error=throttled");
        }

        if (!await account.VerifyPasswordAsync(password, context.RequestAborted))
        {
            return TypedResults.Redirect(throttle.IsBlocked(key) ? "/login?error=throttled" : "/login?error=1");
        }

        throttle.RecordSuccess(key);
        await SignInAsync(context); // the password just matched, so the admin (and its stamp) exists
        return TypedResults.Redirect(IsLocalUrl(returnUrl) ? returnUrl : "/");
    }

    private static async Task<RedirectHttpResult> LogoutAsync(HttpContext context, BrowserSessions sessions)
    {
        // Server-side first: a copy of this cookie must stop working too, not only this browser's.
        var cookie = await context.AuthenticateAsync(AuthSchemes.Cookie);
        await sessions.EndAsync(cookie.Principal, context.RequestAborted);
        await context.SignOutAsync(AuthSchemes.Cookie);
        return TypedResults.Redirect("/login");
    }

    /// <summary>
    /// After setup, and after a password change in the panel (whose circuit can't set a cookie): the new
    /// cookie carries the current security stamp. <paramref name="returnUrl"/> is a same-site path, else "/".
    /// </summary>
    private static async Task<RedirectHttpResult> RedeemTicketAsync(string? t, string? returnUrl, HttpContext context, LoginTickets tickets)
    {
        if (!tickets.TryRedeem(t))
        {
            return TypedResults.Redirect("/login");
        }

        if (!await SignInAsync(context))
        {
            return TypedResults.Redirect("/login");
        }

        return TypedResults.Redirect(IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }

    /// <summary>False when there is no admin (so no stamp) to sign in as.</summary>
    internal static async Task<bool> SignInAsync(HttpContext context)
    {
        var stamp = await context.RequestServices.GetRequiredService<AdminSecurityStamp>().CurrentAsync(context.RequestAborted);
        if (stamp is null)
        {
            return false;
        }

        var session = await context.RequestServices.GetRequiredService<BrowserSessions>().StartAsync(context.RequestAborted);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, AdminUserEntity.UserName),
                new Claim(SecurityStampCookie.ClaimType, stamp),
                new Claim(BrowserSessions.ClaimType, session),
            ],
            AuthSchemes.Cookie);
        await context.SignInAsync(AuthSchemes.Cookie, new ClaimsPrincipal(identity));
        return true;
    }

    /// <summary>Only same-site paths ("/x", not "//host" or "/\host"): no open redirect through returnUrl.</summary>
    internal static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}

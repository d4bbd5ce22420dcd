using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Gateway.Web.Data.Entities;
using Gateway.Web.State;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Gateway.Web.Auth;

/// <summary>
/// The browser cookie carries the admin's <see cref="AdminUserEntity.SecurityStamp"/> from sign-in; a password
/// change replaces the stamp, which signs out every cookie issued before it. API tokens don't use it: they are
/// revoked one by one.
/// </summary>
internal static class SecurityStampCookie
{
    public const string ClaimType = "gateway:stamp";

    /// <summary>
    /// Every cookie request (the stamp and live sessions are cached in memory): a cookie whose stamp is not the
    /// current one (issued before a password change or before a fresh setup, or older than stamps), or whose
    /// session was logged out (<see cref="BrowserSessions"/>), is rejected and deleted, so the request counts as
    /// signed out — 401 under /api, the login page elsewhere.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var current = await services.GetRequiredService<AdminSecurityStamp>().CurrentAsync(context.HttpContext.RequestAborted);
        if (!Matches(context.Principal, current)
            || !await services.GetRequiredService<BrowserSessions>().IsLiveAsync(context.Principal, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(AuthSchemes.Cookie);
        }
    }

    /// <summary>The principal carries <paramref name="current"/> (null: there is no admin, nothing matches).</summary>
    public static bool Matches(ClaimsPrincipal? principal, string? current) =>
        current is not null
        && principal?.FindFirst(ClaimType)?.Value is { } carried
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(carried), Encoding.UTF8.GetBytes(current));
}

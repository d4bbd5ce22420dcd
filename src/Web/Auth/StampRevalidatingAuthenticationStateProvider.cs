using Gateway.Web.State;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Gateway.Web.Auth;

/// <summary>
/// A live circuit keeps the principal it started with, so a page left open in another browser would outlive a
/// password change or a logout elsewhere; this checks its stamp and session every few seconds (cached, so cheap) and, once it is stale, turns
/// the circuit's user anonymous — <c>SessionGuard</c> then sends the page to the login form.
/// </summary>
internal sealed class StampRevalidatingAuthenticationStateProvider(ILoggerFactory loggers, AdminSecurityStamp stamp, BrowserSessions sessions)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(5);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        SecurityStampCookie.Matches(authenticationState.User, await stamp.CurrentAsync(cancellationToken))
        && await sessions.IsLiveAsync(authenticationState.User, cancellationToken);
}

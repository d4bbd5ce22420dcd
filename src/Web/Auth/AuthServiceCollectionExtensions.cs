using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;

namespace Gateway.Web.Auth;

public static class AuthServiceCollectionExtensions
{
    /// <summary>Cookie (browser) and bearer-token (scripts) authentication behind one policy scheme.</summary>
    public static IServiceCollection AddGatewayAuth(this IServiceCollection services)
    {
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<BrowserSessions>();
        services.AddAuthentication(AuthSchemes.Default)
            .AddPolicyScheme(AuthSchemes.Default, "Cookie or bearer token", options =>
                options.ForwardDefaultSelector = context =>
                    BearerToken.TryRead(context.Request, out _) ? AuthSchemes.Bearer : AuthSchemes.Cookie)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthSchemes.Bearer, null)
            .AddCookie(AuthSchemes.Cookie, options =>
            {
                options.Cookie.Name = AuthSchemes.CookieName;
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                // The appliance is usually reached over plain HTTP on the LAN; Secure follows the request.
                options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                options.LoginPath = "/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/login";
                options.ReturnUrlParameter = "returnUrl";
                options.ExpireTimeSpan = BrowserSessions.Lifetime;
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = SecurityStampCookie.ValidateAsync;
                options.Events.OnRedirectToLogin = context => ApiProblems.IsApi(context.Request)
                    ? ApiProblems.UnauthorizedAsync(context.HttpContext) // /api never redirects
                    : RedirectAsync(context);
                options.Events.OnRedirectToAccessDenied = context => ApiProblems.IsApi(context.Request)
                    ? ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, ApiProblems.Forbidden, "Forbidden.")
                    : RedirectAsync(context);
            });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        // Before AddRazorComponents, whose default provider is only a TryAdd.
        services.AddScoped<AuthenticationStateProvider, StampRevalidatingAuthenticationStateProvider>();
        services.AddScoped<SignInReissue>();
        return services;
    }

    private static Task RedirectAsync(RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}

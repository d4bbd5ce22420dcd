using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.Unit.Api;

/// <summary>Signs in the way the login form does (POST /account/login with a real antiforgery pair).</summary>
internal static class BrowserLogin
{
    /// <summary>The auth cookie as a <c>Cookie</c> header value, or null when the login was refused.</summary>
    public static async Task<string?> CookieAsync(GatewayApplication app, string password)
    {
        var antiforgery = app.Services.GetRequiredService<IAntiforgery>();
        var options = app.Services.GetRequiredService<IOptions<AntiforgeryOptions>>().Value;
        var tokens = antiforgery.GetTokens(new DefaultHttpContext { RequestServices = app.Services });
        var form = new Dictionary<string, string> { ["password"] = password, [tokens.FormFieldName] = tokens.RequestToken! };

        using var client = app.CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("Cookie", $"{options.Cookie.Name}={tokens.CookieToken}");
        using var response = await client.SendAsync(request);
        return AuthCookie(response);
    }

    public static string? AuthCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Where(c => c.StartsWith("gateway.auth=", StringComparison.Ordinal) && !c.StartsWith("gateway.auth=;", StringComparison.Ordinal))
                .Select(c => c.Split(';')[0]).SingleOrDefault()
            : null;
}

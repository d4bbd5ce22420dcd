namespace Gateway.Web.Security;

/// <summary>
/// Headers on every response (set when the response starts, so error and status pages get them too):
/// no MIME sniffing, no referrer to other sites, no framing anywhere (clickjacking), and a CSP whose
/// <c>script-src 'self'</c> lets the panel run only its own files. The Blazor server panel needs no eval and
/// no inline script (its import map aside, which only maps file names to fingerprinted copies: blocked, the
/// plain names load). The API reference page (Scalar) runs an inline bootstrap script, so it gets a CSP
/// that allows that but still forbids framing.
/// </summary>
internal static class SecurityHeaders
{
    public const string PanelPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = IsDocs(context.Request.Path) ? DocsPolicy : PanelPolicy;
    }

    private static bool IsDocs(PathString path) =>
        path.StartsWithSegments("/api/docs", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase);
}

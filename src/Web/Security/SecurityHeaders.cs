namespace Gateway.Web.Security;

/// <summary>
/// Headers on every response (set when the response starts, so error and status pages get them too):
/// no MIME sniffing, no referrer to other sites, no framing anywhere (clickjacking), and a CSP whose
/// <c>script-src 'self'</c> lets the panel run only its own files. The Blazor server panel needs no eval and
/// no inline script but its import map (file names → fingerprinted copies), which carries this request's
/// nonce (<see cref="NonceOf"/>, used by App.razor). The API reference page (Scalar) runs an inline bootstrap
/// script, so it gets a CSP that allows that but still forbids framing.
/// </summary>
internal static class SecurityHeaders
{
    private const string NonceKey = "gateway:csp-nonce";

    private const string PanelPolicyRest =
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string DocsPolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>This request's script nonce (null outside a request that went through the security middleware).</summary>
    public static string? NonceOf(HttpContext? context) => context?.Items[NonceKey] as string;

    /// <summary>Called first for every request: a fresh nonce for the page's one inline script.</summary>
    public static void BeginRequest(HttpContext context) =>
        context.Items[NonceKey] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public static string PanelPolicy(string? nonce) =>
        $"default-src 'self'; script-src 'self'{(nonce is null ? "" : $" 'nonce-{nonce}'")}; {PanelPolicyRest}";

    public static void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = IsDocs(context.Request.Path) ? DocsPolicy : PanelPolicy(NonceOf(context));
    }

    private static bool IsDocs(PathString path) =>
        path.StartsWithSegments("/api/docs", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/scalar", StringComparison.OrdinalIgnoreCase);
}

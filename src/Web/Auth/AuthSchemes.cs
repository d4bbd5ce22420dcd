namespace Gateway.Web.Auth;

/// <summary>Authentication scheme names.</summary>
public static class AuthSchemes
{
    /// <summary>The default: picks <see cref="Bearer"/> when the request carries a bearer token, else <see cref="Cookie"/>.</summary>
    public const string Default = "Gateway";

    public const string Cookie = "Cookies";

    public const string Bearer = "Bearer";

    public const string CookieName = "gateway.auth";
}

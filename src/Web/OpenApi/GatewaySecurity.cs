using Gateway.Web.Auth;
using Microsoft.OpenApi;

namespace Gateway.Web.OpenApi;

/// <summary>
/// The three ways to authenticate, as security schemes, and which of them each operation takes. Alternatives are
/// listed as separate requirements (any one suffices); an empty requirement means "no credentials needed".
/// </summary>
internal static class GatewaySecurity
{
    public const string Bearer = "bearer";
    public const string Basic = "basic";
    public const string Cookie = "cookie";

    public static Dictionary<string, IOpenApiSecurityScheme> Schemes() => new(StringComparer.Ordinal)
    {
        [Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = ApiTokenFormat.Prefix + "…",
            Description = "An API token from POST /api/v1/tokens: Authorization: Bearer gw_… . Scripts use this.",
        },
        [Basic] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "basic",
            Description = "admin:<password>, only to create a token (POST /api/v1/tokens); failed attempts are throttled per address (429).",
        },
        [Cookie] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = AuthSchemes.CookieName,
            Description = "The admin panel's session cookie (signed in at /login); a browser on /api/docs sends it by itself.",
        },
    };

    /// <summary>
    /// Setup is open to everyone (before setup there are no credentials; afterwards it answers 409). The interfaces list
    /// is open until setup completes and then takes a token or the cookie. A token is created with Basic or the cookie,
    /// never with another token. Everything else takes a token or the cookie.
    /// </summary>
    public static List<OpenApiSecurityRequirement> For(string operationId, bool anonymous, OpenApiDocument? document)
    {
        string[][] alternatives = operationId switch
        {
            "CreateToken" => [[Basic], [Cookie]],
            "GetInterfaces" => [[], [Bearer], [Cookie]],
            _ when anonymous => [[]],
            _ => [[Bearer], [Cookie]],
        };
        return alternatives.Select(schemes =>
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var scheme in schemes)
            {
                requirement[new OpenApiSecuritySchemeReference(scheme, document)] = [];
            }

            return requirement;
        }).ToList();
    }

    /// <summary>In the words of a 401's description.</summary>
    public static string Accepted(string operationId) => operationId switch
    {
        "CreateToken" => "HTTP Basic admin:<password> or the session cookie",
        _ => "a bearer token or the session cookie",
    };
}

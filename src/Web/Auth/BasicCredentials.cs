using System.Text;

namespace Gateway.Web.Auth;

/// <summary>Parses <c>Authorization: Basic base64(user:password)</c>; used only by POST /api/v1/tokens.</summary>
internal static class BasicCredentials
{
    public const string Challenge = "Basic realm=\"gateway\", charset=\"UTF-8\"";

    public static bool IsPresent(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);

    public static bool TryRead(HttpRequest request, out string user, out string password)
    {
        user = password = "";
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                return false;
            }

            user = text[..colon];
            password = text[(colon + 1)..];
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

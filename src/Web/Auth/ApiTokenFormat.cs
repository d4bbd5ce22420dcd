using System.Security.Cryptography;
using System.Text;

namespace Gateway.Web.Auth;

/// <summary>API tokens: "gw_" + base64url of 32 random bytes (43 characters); stored only as SHA-256.</summary>
public static class ApiTokenFormat
{
    public const string Prefix = "gw_";
    private const int EncodedLength = 43;

    public static string Generate() => Prefix + LoginTickets.Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Cheap shape check so junk never reaches the database.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 3 + EncodedLength }
        && token.StartsWith(Prefix, StringComparison.Ordinal)
        && token.AsSpan(3).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") < 0;

    /// <summary>Lower-case hex SHA-256. A plain hash suffices: the token carries 256 random bits, nothing to brute-force.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

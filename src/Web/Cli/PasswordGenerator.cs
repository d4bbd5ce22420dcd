using System.Security.Cryptography;

namespace Gateway.Web.Cli;

/// <summary>Passwords for <c>reset-password --generate</c>: read off a console and typed into a phone.</summary>
public static class PasswordGenerator
{
    // 31 symbols without the look-alikes 0/o, 1/l/i.
    private const string Alphabet = "abcdefghjkmnpqrstuvwxyz23456789";

    /// <summary>Four groups of five (e.g. <c>k3vqa-…</c>): 31^20, about 99 bits, and 23 characters, past the password rule.</summary>
    public static string Generate()
    {
        Span<char> chars = stackalloc char[23];
        var position = 0;
        for (var group = 0; group < 4; group++)
        {
            if (group > 0)
            {
                chars[position++] = '-';
            }

            for (var i = 0; i < 5; i++)
            {
                chars[position++] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        }

        return new string(chars);
    }
}

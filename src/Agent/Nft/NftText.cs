using System.Text;

namespace Gateway.Agent.Nft;

/// <summary>Helpers that turn user text into something that can never change the meaning of an nft script.</summary>
public static class NftText
{
    /// <summary>Longest comment we emit; nft allows 128 bytes, and the table stays readable.</summary>
    public const int MaxCommentLength = 48;

    /// <summary>
    /// Keeps only letters, digits, space and <c>_ . , : + @ ( ) / -</c> (ASCII), collapses runs of spaces,
    /// and caps the length. Quotes, backslashes, semicolons, braces, '#', '$' and newlines all go, so a name
    /// can neither close the comment's quotes nor start a statement. Empty when nothing safe is left.
    /// </summary>
    public static string SanitizeComment(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxCommentLength));
        foreach (var c in text)
        {
            if (builder.Length == MaxCommentLength)
            {
                break;
            }

            var safe = char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or ',' or ':' or '+' or '@' or '(' or ')' or '/' or '-';
            if (safe)
            {
                builder.Append(c);
            }
            else if (c == ' ' && builder.Length > 0 && builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }

        return builder.ToString().TrimEnd();
    }

    /// <summary><c> comment "text"</c> (with the leading space), or nothing when the sanitised text is empty.</summary>
    public static string Comment(string? text)
    {
        var safe = SanitizeComment(text);
        return safe.Length == 0 ? string.Empty : $" comment \"{safe}\"";
    }
}

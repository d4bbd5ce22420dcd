using System.Text;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// An <c>nft -s list table</c> listing made comparable across tables built differently: the kernel lists a hash
/// set's elements in its own (per-set seeded) order, so each <c>elements = { … }</c> block is put on one line, sorted.
/// </summary>
internal static class TableListing
{
    public static string Normalise(string listing)
    {
        var output = new StringBuilder(listing.Length);
        var lines = listing.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (!trimmed.StartsWith("elements = {", StringComparison.Ordinal))
            {
                output.Append(lines[i].TrimEnd()).Append('\n');
                continue;
            }

            var block = new StringBuilder(trimmed["elements = {".Length..]);
            while (!block.ToString().TrimEnd().EndsWith('}') && i + 1 < lines.Length)
            {
                block.Append(' ').Append(lines[++i].Trim());
            }

            var body = block.ToString().TrimEnd();
            body = body[..^1];
            var elements = Split(body).Select(e => e.Trim()).Where(e => e.Length > 0).Order(StringComparer.Ordinal);
            output.Append("elements = { ").Append(string.Join(", ", elements)).Append(" }\n");
        }

        return output.ToString();
    }

    /// <summary>Splits on the commas outside double quotes (comments may hold commas).</summary>
    private static IEnumerable<string> Split(string body)
    {
        var quoted = false;
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '"')
            {
                quoted = !quoted;
            }
            else if (body[i] == ',' && !quoted)
            {
                yield return body[start..i];
                start = i + 1;
            }
        }

        yield return body[start..];
    }
}

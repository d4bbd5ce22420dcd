using System.Globalization;
using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Logs;

/// <summary>
/// Parses one /dev/kmsg record written by an nft <c>log prefix "gw …"</c> rule. Record format
/// (Documentation/ABI/testing/dev-kmsg):
/// <code>
///   &lt;pri&gt;,&lt;seq&gt;,&lt;usec since boot&gt;,&lt;flags&gt;[,…];&lt;message&gt;\n[ KEY=value\n]…
/// </code>
/// pri = facility * 8 + syslog severity. The message is our prefix followed by nf_log's fields:
/// <c>gw port-forward 7 IN=wan0 OUT=br-lan MAC=… SRC=203.0.113.5 DST=192.168.1.20 LEN=60 … PROTO=TCP SPT=40000 DPT=22 …</c>
/// </summary>
public static class KmsgParser
{
    /// <summary>A century of uptime: beyond it the timestamp is garbage, and usec × 10 ticks would overflow.</summary>
    private const long MaxUptimeMicroseconds = 100L * 365 * 24 * 3600 * 1_000_000;

    /// <param name="bootTime">Wall-clock time of boot, to turn the record's microseconds since boot into a time.</param>
    public static bool TryParse(string record, DateTimeOffset bootTime, out FirewallLogEntry entry)
    {
        entry = null!;
        if (string.IsNullOrEmpty(record))
        {
            return false;
        }

        var semicolon = record.IndexOf(';', StringComparison.Ordinal);
        if (semicolon <= 0)
        {
            return false;
        }

        var header = record.AsSpan(0, semicolon);
        var message = record.AsSpan(semicolon + 1);
        var newline = message.IndexOf('\n');
        if (newline >= 0)
        {
            message = message[..newline];
        }

        if (!message.StartsWith(RulesetCompiler.LogPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        // Header: pri,seq,usec,flags[,...]
        Span<Range> fields = stackalloc Range[5];
        var count = header.Split(fields, ',');
        if (count < 3
            || !int.TryParse(header[fields[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var pri)
            || !long.TryParse(header[fields[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var usec)
            || usec > MaxUptimeMicroseconds)
        {
            return false;
        }

        // "<category word> [<id> ]<nf_log fields>": the word must be followed by a space, and categories that
        // carry an id have it next (a missing or bad id leaves RuleId null rather than losing the line).
        var rest = message[RulesetCompiler.LogPrefix.Length..];
        var wordEnd = rest.IndexOf(' ');
        if (wordEnd <= 0 || !FirewallCategories.TryParse(rest[..wordEnd], out var category))
        {
            return false;
        }

        rest = rest[(wordEnd + 1)..];
        int? ruleId = null;
        if (category.CarriesId())
        {
            var space = rest.IndexOf(' ');
            var idText = space < 0 ? rest : rest[..space];
            if (int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                ruleId = id;
                rest = space < 0 ? [] : rest[(space + 1)..];
            }
        }

        string? inIf = null, outIf = null, mac = null, src = null, dst = null, proto = null;
        int? spt = null, dpt = null;
        foreach (var range in rest.Split(' '))
        {
            var token = rest[range];
            var eq = token.IndexOf('=');
            if (eq <= 0)
            {
                continue;
            }

            var key = token[..eq];
            var value = token[(eq + 1)..];
            var text = value.IsEmpty ? null : value.ToString();
            switch (key)
            {
                case "IN": inIf = text; break;
                case "OUT": outIf = text; break;
                case "MAC": mac = text; break;
                case "SRC": src = Address(text); break;
                case "DST": dst = Address(text); break;
                case "PROTO": proto = text; break;
                case "SPT": spt = Port(value); break;
                case "DPT": dpt = Port(value); break;
                default: break;
            }
        }

        var level = FirewallLogLevels.FromSyslogSeverity(pri & 7);
        var time = bootTime.AddTicks(usec * 10);
        entry = new FirewallLogEntry(time, level, category.ToWord(), ruleId, Summary(proto, src, spt, dst, dpt, inIf, outIf), inIf, outIf, src, dst, proto, spt, dpt, SourceMac(mac));
        return true;
    }

    /// <summary>nf_log prints MAC= as destination(6):source(6):ethertype(2); the source is what a filter acts on.</summary>
    private static string? SourceMac(string? field)
    {
        if (field is null)
        {
            return null;
        }

        var parts = field.Split(':');
        return parts.Length >= 12 ? string.Join(':', parts[6..12]) : field;
    }

    private static int? Port(ReadOnlySpan<char> value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535 ? port : null;

    private static string Summary(string? proto, string? src, int? spt, string? dst, int? dpt, string? inIf, string? outIf)
    {
        static string Endpoint(string? address, int? port) =>
            address is null ? "?" : port is null ? address : $"{address}:{port.Value.ToString(CultureInfo.InvariantCulture)}";

        var summary = $"{proto ?? "?"} {Endpoint(src, spt)} → {Endpoint(dst, dpt)}";
        if (inIf is not null)
        {
            summary += $" in {inIf}";
        }

        if (outIf is not null)
        {
            summary += $" out {outIf}";
        }

        return summary;
    }

    /// <summary>nf_log prints IPv6 addresses uncompressed (2001:0db8:0000:…); show them as nft and the API do (RFC 5952).</summary>
    private static string? Address(string? text) =>
        text is not null && text.Contains(':', StringComparison.Ordinal) && Ipv6.TryParse(text, out var v6) ? Ipv6.Format(v6) : text;
}

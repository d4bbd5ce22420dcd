using System.Globalization;
using System.Text;

namespace Gateway.Web.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): a <c># HELP</c> and <c># TYPE</c> line per
/// family, then its samples. Label values are user text (forward and rule names), so every value is escaped
/// as the format asks: backslash, double quote and line feed; everything else is UTF-8 as is.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(4096);

    /// <summary>Starts a family: <paramref name="type"/> is counter, gauge or histogram.</summary>
    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ').Append(EscapeHelp(help)).Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, double value) => Sample(name, value, []);

    public void Sample(string name, double value, params ReadOnlySpan<(string Name, string Value)> labels)
    {
        _text.Append(name);
        if (labels.Length > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    _text.Append(',');
                }

                _text.Append(labels[i].Name).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }

            _text.Append('}');
        }

        _text.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>
    /// A histogram's samples: cumulative <c>_bucket{le=…}</c> lines ending with <c>+Inf</c>, then <c>_sum</c> and
    /// <c>_count</c> (the family line is written by the caller).
    /// </summary>
    public void Histogram(string name, HistogramSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        long cumulative = 0;
        for (var i = 0; i < snapshot.UpperBounds.Count; i++)
        {
            cumulative += snapshot.Counts[i];
            Sample(name + "_bucket", cumulative, ("le", Number(snapshot.UpperBounds[i])));
        }

        Sample(name + "_bucket", snapshot.Count, ("le", "+Inf"));
        Sample(name + "_sum", snapshot.Sum);
        Sample(name + "_count", snapshot.Count);
    }

    public override string ToString() => _text.ToString();

    /// <summary>Label values: <c>\</c> → <c>\\</c>, <c>"</c> → <c>\"</c>, line feed → <c>\n</c>.</summary>
    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            return value;
        }

        return value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>HELP text: <c>\</c> → <c>\\</c> and line feed → <c>\n</c> (quotes stay).</summary>
    public static string EscapeHelp(string help)
    {
        ArgumentNullException.ThrowIfNull(help);
        return help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>Go-style float text: invariant culture, shortest round-trip, and the format's +Inf/-Inf/NaN.</summary>
    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}

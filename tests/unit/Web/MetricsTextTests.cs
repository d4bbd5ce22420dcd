using Gateway.Web.Metrics;

namespace Gateway.Tests.Unit.Web;

public sealed class MetricsTextTests
{
    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("C:\\share", "C:\\\\share")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("\\\"\n", "\\\\\\\"\\n")]
    [InlineData("ünïcødé 🎮 {x=\"1\"}", "ünïcødé 🎮 {x=\\\"1\\\"}")]
    public void Label_values_escape_backslash_quote_and_line_feed(string value, string escaped) =>
        Assert.Equal(escaped, PrometheusText.EscapeLabelValue(value));

    [Fact]
    public void Help_text_escapes_backslash_and_line_feed_but_keeps_quotes() =>
        Assert.Equal("a \\\\ b \\n \"c\"", PrometheusText.EscapeHelp("a \\ b \n \"c\""));

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.5, "1.5")]
    [InlineData(1e-3, "0.001")]
    [InlineData(12345678901.0, "12345678901")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(double.NaN, "NaN")]
    public void Numbers_use_the_formats_spelling(double value, string text) =>
        Assert.Equal(text, PrometheusText.Number(value));

    [Fact]
    public void Histogram_buckets_are_cumulative_inclusive_of_their_bound_and_end_with_inf()
    {
        var histogram = new Histogram([0.25, 0.5, 1]);
        histogram.Observe(0.25);  // on a bound: counts in that bucket (le = "less or equal")
        histogram.Observe(0.375);
        histogram.Observe(0.75);
        histogram.Observe(7);     // above every bound: only +Inf
        histogram.Observe(double.NaN); // ignored

        var text = new PrometheusText();
        text.Family("x_seconds", "histogram", "test");
        text.Histogram("x_seconds", histogram.Snapshot());

        Assert.Equal(
            """
            # HELP x_seconds test
            # TYPE x_seconds histogram
            x_seconds_bucket{le="0.25"} 1
            x_seconds_bucket{le="0.5"} 2
            x_seconds_bucket{le="1"} 3
            x_seconds_bucket{le="+Inf"} 4
            x_seconds_sum 8.375
            x_seconds_count 4

            """.ReplaceLineEndings("\n"),
            text.ToString());
    }

    [Fact]
    public void Bounds_that_do_not_increase_are_refused() =>
        Assert.Throws<ArgumentException>(() => new Histogram([1, 1]));

    [Fact]
    public async Task Promtool_accepts_hostile_label_values_and_a_histogram()
    {
        var histogram = new Histogram(GatewayCounters.ApplyBuckets);
        histogram.Observe(0.004);
        histogram.Observe(0.3);
        var text = new PrometheusText();
        text.Family("gateway_forward_connections", "gauge", "Live connections \\ of \"each\"\nforward.");
        text.Sample("gateway_forward_connections", 3, ("id", "1"), ("name", "web \"main\" \\ C:\\x\nnext line"));
        text.Sample("gateway_forward_connections", 0, ("id", "2"), ("name", "ünïcødé 🎮 }{,="));
        text.Family("gateway_apply_duration_seconds", "histogram", "Apply time.");
        text.Histogram("gateway_apply_duration_seconds", histogram.Snapshot());

        var (exit, output) = await Promtool.CheckMetricsAsync(text.ToString());
        Assert.True(exit == 0, output);
    }
}

namespace Gateway.Web.Metrics;

/// <summary>A consistent copy of a <see cref="Histogram"/>: per-bucket (not cumulative) counts, the sum and the count.</summary>
public sealed record HistogramSnapshot(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> Counts, double Sum, long Count);

/// <summary>
/// A thread-safe Prometheus histogram: fixed upper bounds; an observation lands in the first bucket whose bound
/// is at least the value (the format's <c>le</c>), or only in <c>+Inf</c>.
/// </summary>
public sealed class Histogram
{
    private readonly double[] _bounds;
    private readonly long[] _counts;
    private readonly Lock _lock = new();
    private double _sum;
    private long _count;

    public Histogram(IReadOnlyList<double> upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        for (var i = 1; i < upperBounds.Count; i++)
        {
            if (!(upperBounds[i] > upperBounds[i - 1]))
            {
                throw new ArgumentException("Upper bounds must increase.", nameof(upperBounds));
            }
        }

        _bounds = [.. upperBounds];
        _counts = new long[_bounds.Length];
    }

    public void Observe(double value)
    {
        if (double.IsNaN(value))
        {
            return; // a NaN would poison the sum for good
        }

        lock (_lock)
        {
            var index = Array.FindIndex(_bounds, bound => value <= bound);
            if (index >= 0)
            {
                _counts[index]++;
            }

            _sum += value;
            _count++;
        }
    }

    public HistogramSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new HistogramSnapshot(_bounds, [.. _counts], _sum, _count);
        }
    }
}

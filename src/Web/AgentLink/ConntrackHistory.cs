namespace Gateway.Web.AgentLink;

/// <summary>One point of the conntrack total over time (the agent's sample time).</summary>
public sealed record ConntrackPoint(DateTimeOffset SampledAt, long Total);

/// <summary>
/// A bounded ring of conntrack totals, oldest first, about one point per <c>spacing</c> over <c>retention</c>;
/// thread-safe. The agent samples once a second, so the ring holds retention/spacing points; a point that
/// arrives less than half a spacing after the newest one replaces it (a burst never pushes history out), and
/// a point from well before the newest one means the clock stepped back, so the older points (now "in the
/// future") are dropped to keep the ring ordered.
/// </summary>
internal sealed class ConntrackHistory
{
    private readonly ConntrackPoint[] _points;
    private readonly TimeSpan _spacing;
    private readonly Lock _lock = new();
    private int _next;
    private int _count;

    public ConntrackHistory(TimeSpan retention, TimeSpan spacing)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(spacing, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, spacing);
        Retention = retention;
        _spacing = spacing;
        _points = new ConntrackPoint[(int)Math.Ceiling(retention / spacing)];
    }

    public TimeSpan Retention { get; }

    public int Capacity => _points.Length;

    public void Add(ConntrackPoint point)
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                var newest = _points[Index(_count - 1)];
                var gap = point.SampledAt - newest.SampledAt;
                if (gap < -_spacing)
                {
                    _count = 0;
                }
                else if (gap < _spacing / 2)
                {
                    _points[Index(_count - 1)] = point;
                    return;
                }
            }

            _points[_next] = point;
            _next = (_next + 1) % _points.Length;
            _count = Math.Min(_count + 1, _points.Length);
        }
    }

    /// <summary>Oldest first: the points sampled after <paramref name="cutoff"/>.</summary>
    public IReadOnlyList<ConntrackPoint> Since(DateTimeOffset cutoff)
    {
        lock (_lock)
        {
            var result = new List<ConntrackPoint>(_count);
            for (var i = 0; i < _count; i++)
            {
                var point = _points[Index(i)];
                if (point.SampledAt > cutoff)
                {
                    result.Add(point);
                }
            }

            return result;
        }
    }

    /// <summary>The array slot of the <paramref name="age"/>-th point, 0 being the oldest.</summary>
    private int Index(int age) => (_next - _count + age + _points.Length) % _points.Length;
}

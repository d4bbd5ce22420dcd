namespace Gateway.Web.Devices;

/// <summary>One bucket of a device's traffic: bytes towards it (rx) and from it (tx) from <paramref name="Start"/>.</summary>
public sealed record TrafficPoint(DateTimeOffset Start, long RxBytes, long TxBytes);

/// <summary>
/// The roll-up of byte deltas into hourly and daily buckets (UTC), and what each keeps: hours for 48 h, days for
/// 90 days (the current bucket counts as one of them).
/// </summary>
public static class TrafficBuckets
{
    public const string Hour = "hour";
    public const string Day = "day";
    public const int HoursKept = 48;
    public const int DaysKept = 90;

    public static bool IsBucket(string? bucket) => bucket is Hour or Day;

    public static long Seconds(string bucket) => bucket == Day ? 86_400 : 3_600;

    /// <summary>The start (Unix seconds) of the bucket holding <paramref name="at"/>.</summary>
    public static long Start(string bucket, DateTimeOffset at)
    {
        var seconds = at.ToUnixTimeSeconds();
        return seconds - (((seconds % Seconds(bucket)) + Seconds(bucket)) % Seconds(bucket));
    }

    /// <summary>The oldest bucket start still kept at <paramref name="now"/>.</summary>
    public static long OldestKept(string bucket, DateTimeOffset now) =>
        Start(bucket, now) - ((bucket == Day ? DaysKept : HoursKept) - 1) * Seconds(bucket);
}

/// <summary>Deltas not yet stored, by (MAC, bucket, start); not thread-safe (the recorder holds its lock).</summary>
public sealed class TrafficTally
{
    private readonly Dictionary<(string Mac, string Bucket, long Start), (long Rx, long Tx)> _pending = [];

    public IEnumerable<KeyValuePair<(string Mac, string Bucket, long Start), (long Rx, long Tx)>> Pending => _pending;

    /// <summary>Adds one delta, seen at <paramref name="at"/>, to its hour and its day.</summary>
    public void Add(string mac, DateTimeOffset at, long rx, long tx)
    {
        if (rx == 0 && tx == 0)
        {
            return;
        }

        foreach (var bucket in (ReadOnlySpan<string>)[TrafficBuckets.Hour, TrafficBuckets.Day])
        {
            var key = (mac, bucket, TrafficBuckets.Start(bucket, at));
            var (r, t) = _pending.GetValueOrDefault(key);
            _pending[key] = (r + rx, t + tx);
        }
    }

    public void Clear() => _pending.Clear();

    /// <summary>
    /// One device's buckets of a kind, stored ones plus what is pending, oldest first, only those still kept at
    /// <paramref name="now"/>.
    /// </summary>
    public IReadOnlyList<TrafficPoint> Merge(string mac, string bucket, IEnumerable<(long Start, long Rx, long Tx)> stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var oldest = TrafficBuckets.OldestKept(bucket, now);
        var sums = new SortedDictionary<long, (long Rx, long Tx)>();
        foreach (var (start, rx, tx) in stored)
        {
            var (r, t) = sums.GetValueOrDefault(start);
            sums[start] = (r + rx, t + tx);
        }

        foreach (var ((m, b, start), (rx, tx)) in _pending)
        {
            if (m == mac && b == bucket)
            {
                var (r, t) = sums.GetValueOrDefault(start);
                sums[start] = (r + rx, t + tx);
            }
        }

        return [.. sums.Where(s => s.Key >= oldest).Select(s => new TrafficPoint(DateTimeOffset.FromUnixTimeSeconds(s.Key), s.Value.Rx, s.Value.Tx))];
    }
}

using System.Diagnostics;

namespace Gateway.Bench.E2e;

/// <summary>
/// Samples a process's VmRSS every few milliseconds in the background, so a figure can say what the resident set
/// was at the first sample after a moment (an apply seen as applied) and at its highest from then on — not only
/// at the one instant a single read happens to land on.
/// </summary>
internal sealed class RssWatch : IAsyncDisposable
{
    private readonly List<(TimeSpan At, double Rss)> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssWatch(int pid, int everyMs = 5)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var rss = ProcStat.Memory(pid).Rss;
                lock (_samples)
                {
                    _samples.Add((_clock.Elapsed, rss));
                }

                try
                {
                    await Task.Delay(everyMs, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    /// <summary>Now, on the watch's clock (pass it to <see cref="After"/>).</summary>
    public TimeSpan Mark() => _clock.Elapsed;

    /// <summary>
    /// The first sample taken at or after <paramref name="mark"/>, the highest since and how long after the mark it
    /// was taken, and how many samples that is.
    /// </summary>
    public (double First, double Max, TimeSpan MaxAt, int Count) After(TimeSpan mark)
    {
        lock (_samples)
        {
            var since = _samples.Where(s => s.At >= mark).ToList();
            if (since.Count == 0)
            {
                return (double.NaN, double.NaN, TimeSpan.Zero, 0);
            }

            var highest = since.MaxBy(s => s.Rss);
            return (since[0].Rss, highest.Rss, highest.At - mark, since.Count);
        }
    }

    /// <summary>How long, from <paramref name="mark"/> on, the samples were above <paramref name="mib"/> (each counts until the next).</summary>
    public TimeSpan Above(TimeSpan mark, double mib)
    {
        lock (_samples)
        {
            var since = _samples.Where(s => s.At >= mark).ToList();
            var above = TimeSpan.Zero;
            for (var i = 0; i + 1 < since.Count; i++)
            {
                if (since[i].Rss > mib)
                {
                    above += since[i + 1].At - since[i].At;
                }
            }

            return above;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

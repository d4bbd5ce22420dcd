using Gateway.Web.State;
using Gateway.Web.AgentLink;

namespace Gateway.Tests.Unit.Web;

public sealed class ConntrackHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void Ten_minutes_at_one_a_second_hold_six_hundred_points()
    {
        Assert.Equal(600, new ConntrackHistory(TimeSpan.FromMinutes(10), Second).Capacity);
    }

    [Fact]
    public void Points_come_back_oldest_first_and_only_those_after_the_cutoff()
    {
        var history = new ConntrackHistory(TimeSpan.FromMinutes(10), Second);
        for (var i = 0; i < 10; i++)
        {
            history.Add(new ConntrackPoint(T0 + (i * Second), 100 + i));
        }

        Assert.Equal(Enumerable.Range(100, 10).Select(i => (long)i), history.Since(DateTimeOffset.MinValue).Select(p => p.Total));
        Assert.Equal([107L, 108, 109], history.Since(T0 + (6 * Second)).Select(p => p.Total));
        Assert.Empty(history.Since(T0 + (9 * Second)));
    }

    [Fact]
    public void A_full_ring_drops_the_oldest_points_and_stays_ordered()
    {
        var history = new ConntrackHistory(TimeSpan.FromSeconds(5), Second);
        for (var i = 0; i < 13; i++)
        {
            history.Add(new ConntrackPoint(T0 + (i * Second), i));
        }

        var points = history.Since(DateTimeOffset.MinValue);
        Assert.Equal([8L, 9, 10, 11, 12], points.Select(p => p.Total));
        Assert.Equal(points.OrderBy(p => p.SampledAt), points);
    }

    [Fact]
    public void A_point_soon_after_the_newest_replaces_it_instead_of_pushing_history_out()
    {
        var history = new ConntrackHistory(TimeSpan.FromSeconds(5), Second);
        history.Add(new ConntrackPoint(T0, 1));
        history.Add(new ConntrackPoint(T0 + Second, 2));
        for (var i = 1; i <= 20; i++)
        {
            history.Add(new ConntrackPoint(T0 + Second + TimeSpan.FromMilliseconds(i * 10), 100 + i));
        }

        Assert.Equal([1L, 120], history.Since(DateTimeOffset.MinValue).Select(p => p.Total));
    }

    [Fact]
    public void A_clock_step_backwards_drops_the_points_that_now_lie_in_the_future()
    {
        var history = new ConntrackHistory(TimeSpan.FromMinutes(10), Second);
        history.Add(new ConntrackPoint(T0, 1));
        history.Add(new ConntrackPoint(T0 + Second, 2));
        history.Add(new ConntrackPoint(T0 - TimeSpan.FromMinutes(1), 3));
        history.Add(new ConntrackPoint(T0 - TimeSpan.FromMinutes(1) + Second, 4));

        Assert.Equal([3L, 4], history.Since(DateTimeOffset.MinValue).Select(p => p.Total));
    }

    [Fact]
    public async Task Readers_running_beside_the_writer_always_see_a_whole_ordered_window()
    {
        // As in the web: one writer (the agent link's read loop) and any number of readers (pages, REST).
        const int Total = 20_000;
        var history = new ConntrackHistory(TimeSpan.FromSeconds(50), Second);
        var writing = true;
        var writer = Task.Run(() =>
        {
            for (var tick = 0; tick < Total; tick++)
            {
                history.Add(new ConntrackPoint(T0 + (tick * Second), tick));
            }

            Volatile.Write(ref writing, false);
        });
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var violations = 0;
            do
            {
                var points = history.Since(DateTimeOffset.MinValue);
                if (points.Count > 50
                    || points.Where((p, i) => i > 0 && p.Total != points[i - 1].Total + 1).Any()
                    || points.Any(p => p.SampledAt != T0 + (p.Total * Second)))
                {
                    violations++;
                }
            }
            while (Volatile.Read(ref writing));

            return violations;
        })).ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), violations => Assert.Equal(0, violations));
        Assert.Equal(Enumerable.Range(Total - 50, 50).Select(i => (long)i), history.Since(DateTimeOffset.MinValue).Select(p => p.Total));
    }
}

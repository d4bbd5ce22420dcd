using Gateway.Web.Devices;

namespace Gateway.Tests.Unit.Web;

/// <summary>The roll-up of byte deltas into UTC hours and days, and what each kind keeps.</summary>
public sealed class TrafficBucketsTests
{
    private const string Mac = "00:1b:21:00:00:02";
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Deltas_roll_up_into_their_hour_and_their_day()
    {
        var tally = new TrafficTally();
        tally.Add(Mac, Noon.AddMinutes(10), 100, 1);
        tally.Add(Mac, Noon.AddMinutes(50), 200, 2);
        tally.Add(Mac, Noon.AddMinutes(70), 400, 4);
        tally.Add(Mac, Noon.AddHours(12).AddMinutes(1), 800, 8);

        var hours = tally.Merge(Mac, TrafficBuckets.Hour, [], Noon.AddHours(13));
        Assert.Equal(
            [new TrafficPoint(Noon, 300, 3), new TrafficPoint(Noon.AddHours(1), 400, 4), new TrafficPoint(Noon.AddHours(12), 800, 8)],
            hours);
        var days = tally.Merge(Mac, TrafficBuckets.Day, [], Noon.AddHours(13));
        Assert.Equal([new TrafficPoint(Noon.AddHours(-12), 700, 7), new TrafficPoint(Noon.AddHours(12), 800, 8)], days);
    }

    [Fact]
    public void Stored_and_pending_bytes_of_a_bucket_add_up_and_other_devices_stay_apart()
    {
        var tally = new TrafficTally();
        tally.Add(Mac, Noon.AddMinutes(5), 10, 20);
        tally.Add("02:00:00:00:00:01", Noon.AddMinutes(5), 1_000, 1_000);
        var merged = tally.Merge(Mac, TrafficBuckets.Hour, [(Noon.ToUnixTimeSeconds(), 5, 5)], Noon.AddMinutes(30));
        Assert.Equal([new TrafficPoint(Noon, 15, 25)], merged);
    }

    [Fact]
    public void Hours_are_kept_48_hours_and_days_90_days()
    {
        var tally = new TrafficTally();
        var now = Noon.AddMinutes(30);
        tally.Add(Mac, now.AddHours(-47), 1, 1);
        tally.Add(Mac, now.AddHours(-48), 2, 2);
        tally.Add(Mac, now.AddDays(-89), 3, 3);
        tally.Add(Mac, now.AddDays(-90), 4, 4);
        Assert.Equal([1L], tally.Merge(Mac, TrafficBuckets.Hour, [], now).Select(p => p.RxBytes));
        Assert.Equal([3L, 1L + 2L], tally.Merge(Mac, TrafficBuckets.Day, [], now).Select(p => p.RxBytes));
        Assert.Equal(now.AddHours(-47).ToUnixTimeSeconds() / 3600 * 3600, TrafficBuckets.OldestKept(TrafficBuckets.Hour, now));
    }
}

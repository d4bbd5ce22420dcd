using Gateway.Agent.Processes;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The wait before a supervised daemon is started again: counted, never waited out.</summary>
public sealed class RestartBackOffTests
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_child_that_keeps_dying_waits_half_a_second_then_twice_as_long_each_time_up_to_30_seconds()
    {
        var backOff = new RestartBackOff();

        var waits = Enumerable.Range(0, 9).Select(_ => backOff.AfterExit(Short).TotalSeconds).ToList();

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30], waits);
    }

    [Fact]
    public void A_child_that_ran_longer_than_the_cap_starts_again_from_half_a_second()
    {
        var backOff = new RestartBackOff();
        for (var i = 0; i < 5; i++)
        {
            backOff.AfterExit(Short); // 0.5 … 8 s
        }

        Assert.Equal(TimeSpan.FromSeconds(16), backOff.AfterExit(TimeSpan.FromSeconds(30))); // as long as the cap: still a loop
        Assert.Equal(TimeSpan.FromMilliseconds(500), backOff.AfterExit(TimeSpan.FromSeconds(31)));
        Assert.Equal(TimeSpan.FromSeconds(1), backOff.AfterExit(Short));
    }

    [Fact]
    public void A_failed_start_waits_and_doubles_like_a_death_and_never_resets()
    {
        var backOff = new RestartBackOff();

        var waits = new[] { backOff.AfterFailedStart(), backOff.AfterFailedStart(), backOff.AfterExit(Short), backOff.AfterFailedStart() };

        Assert.Equal([0.5, 1, 2, 4], waits.Select(w => w.TotalSeconds));
    }
}

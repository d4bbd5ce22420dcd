using Gateway.Agent.Links;

namespace Gateway.Tests.Unit.Agent;

public sealed class SyncDebounceTests
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    [Fact]
    public void A_burst_is_acted_on_once_it_goes_quiet()
    {
        var debounce = new SyncDebounce(MaxDelay);
        debounce.Changed(TimeSpan.FromMilliseconds(0));
        debounce.Changed(TimeSpan.FromMilliseconds(10));

        Assert.False(debounce.Due(TimeSpan.FromMilliseconds(10), quiet: false));
        Assert.True(debounce.Due(TimeSpan.FromMilliseconds(110), quiet: true));
        // Acted on: nothing is pending until the next change.
        Assert.False(debounce.Pending);
        Assert.False(debounce.Due(TimeSpan.FromMilliseconds(210), quiet: true));
    }

    [Fact]
    public void An_event_every_50_ms_never_goes_quiet_yet_every_change_is_acted_on_within_the_maximum_delay()
    {
        var debounce = new SyncDebounce(MaxDelay);
        var passes = new List<TimeSpan>();
        // Ten seconds of events 50 ms apart: the receive never times out, so the stream is never quiet.
        for (var now = TimeSpan.Zero; now <= TimeSpan.FromSeconds(10); now += Step)
        {
            debounce.Changed(now);
            if (debounce.Due(now, quiet: false))
            {
                passes.Add(now);
            }
        }

        Assert.NotEmpty(passes);
        Assert.Equal(MaxDelay, passes[0]);
        // Whenever a change arrives, the next pass is at most the maximum delay and one event later.
        for (var change = TimeSpan.Zero; change < passes[^1]; change += Step)
        {
            var next = passes.First(p => p >= change);
            Assert.True(next - change <= MaxDelay + Step, $"a change at {change.TotalMilliseconds} ms waited until {next.TotalMilliseconds} ms");
        }
    }

    [Fact]
    public void Nothing_pending_is_never_due_and_a_full_pass_clears_what_was()
    {
        var debounce = new SyncDebounce(MaxDelay);
        Assert.False(debounce.Due(TimeSpan.FromSeconds(5), quiet: true));

        debounce.Changed(TimeSpan.FromSeconds(5));
        debounce.Clear();
        Assert.False(debounce.Due(TimeSpan.FromSeconds(6), quiet: true));
    }
}

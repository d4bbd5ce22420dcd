using Gateway.Web.Auth;

namespace Gateway.Tests.Unit.Api;

/// <summary>The login throttle's network and global buckets (the review's "20 addresses × 5 guesses" finding).</summary>
public sealed class SecurityThrottleTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.0/24")]
    [InlineData("2001:db8:1:2::/64", "2001:db8:1::/48")]
    [InlineData("unknown", null)]
    public void Addresses_fall_in_their_network_bucket(string key, string? network) =>
        Assert.Equal(network, LoginThrottle.NetworkOf(key));

    [Fact]
    public void Twenty_guesses_from_one_slash_24_block_every_address_in_it_but_not_the_next_network()
    {
        var throttle = new LoginThrottle(new ManualTime());
        var admitted = 0;
        for (var host = 1; host <= 10; host++)
        {
            for (var guess = 0; guess < LoginThrottle.MaxFailures; guess++)
            {
                admitted += throttle.BeginAttempt($"203.0.113.{host}") == TimeSpan.Zero ? 1 : 0;
            }
        }

        Assert.Equal(LoginThrottle.MaxNetworkFailures, admitted);
        Assert.True(throttle.IsBlocked("203.0.113.200")); // a fresh address of the same /24
        Assert.False(throttle.IsBlocked("203.0.114.1"));
    }

    [Fact]
    public void Ipv6_hosts_rotating_through_slash_64s_of_one_slash_48_share_its_bucket()
    {
        var throttle = new LoginThrottle(new ManualTime());
        var admitted = Enumerable.Range(0, 40)
            .Count(i => throttle.BeginAttempt(LoginThrottle.KeyOf(System.Net.IPAddress.Parse($"2001:db8:1:{i:x}::1"))) == TimeSpan.Zero);
        Assert.Equal(LoginThrottle.MaxNetworkFailures, admitted);
    }

    [Fact]
    public void A_global_ceiling_stops_guesses_spread_over_many_networks_until_the_window_passes()
    {
        var time = new ManualTime();
        var throttle = new LoginThrottle(time);
        var admitted = Enumerable.Range(0, 300).Count(i => throttle.BeginAttempt($"198.{i / 250}.{i % 250}.1") == TimeSpan.Zero);
        Assert.Equal(LoginThrottle.MaxGlobalFailures, admitted);
        Assert.Equal(LoginThrottle.Window, throttle.RetryAfter("192.0.2.1"));

        time.Advance(LoginThrottle.Window);
        Assert.Equal(TimeSpan.Zero, throttle.BeginAttempt("192.0.2.1"));
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

using Gateway.Web.Auth;

namespace Gateway.Tests.Unit.Api;

public sealed class LoginThrottleTests
{
    [Fact]
    public void Five_failures_block_the_address_until_the_oldest_is_15_minutes_old()
    {
        var time = new ManualTime();
        var throttle = new LoginThrottle(time);
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("203.0.113.1");
            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.False(throttle.IsBlocked("203.0.113.1"));
        throttle.RecordFailure("203.0.113.1");
        Assert.True(throttle.IsBlocked("203.0.113.1"));
        Assert.False(throttle.IsBlocked("203.0.113.2")); // per address
        Assert.Equal(TimeSpan.FromMinutes(11), throttle.RetryAfter("203.0.113.1"));

        time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(throttle.IsBlocked("203.0.113.1")); // the first failure aged out; four remain
        throttle.RecordFailure("203.0.113.1");
        Assert.True(throttle.IsBlocked("203.0.113.1"));
    }

    [Fact]
    public void Successful_logins_do_not_fill_the_network_or_the_global_bucket()
    {
        var time = new ManualTime();
        var throttle = new LoginThrottle(time);

        // The owner logs in again and again from two addresses of one /24, within one window.
        for (var i = 0; i < LoginThrottle.MaxGlobalFailures + 10; i++)
        {
            var key = $"192.168.50.{10 + (i % 2)}";
            Assert.Equal(TimeSpan.Zero, throttle.BeginAttempt(key));
            throttle.RecordSuccess(key);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(throttle.IsBlocked("192.168.50.12"));
        Assert.False(throttle.IsBlocked("198.51.100.1"));

        // Failures still count in the network: twenty from the /24, four per address, block its other addresses.
        for (var i = 0; i < LoginThrottle.MaxNetworkFailures; i++)
        {
            var key = $"192.168.50.{100 + (i / 4)}";
            Assert.Equal(TimeSpan.Zero, throttle.BeginAttempt(key));
        }

        Assert.True(throttle.IsBlocked("192.168.50.12"));
        Assert.False(throttle.IsBlocked("198.51.100.1"));
    }

    [Fact]
    public void A_success_clears_the_record()
    {
        var throttle = new LoginThrottle(new ManualTime());
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("a");
        }

        throttle.RecordSuccess("a");
        throttle.RecordFailure("a");
        Assert.False(throttle.IsBlocked("a"));
    }

    [Fact]
    public void Attempts_count_from_the_moment_they_begin_so_a_parallel_burst_gets_five_not_more()
    {
        var throttle = new LoginThrottle(new ManualTime());

        // Twenty guesses arrive together; none has finished its (slow) password check yet.
        var admitted = Enumerable.Range(0, 20).Count(_ => throttle.BeginAttempt("203.0.113.9") == TimeSpan.Zero);

        Assert.Equal(LoginThrottle.MaxFailures, admitted);
        Assert.True(throttle.IsBlocked("203.0.113.9"));
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    public void Ipv6_clients_are_counted_per_64_so_rotating_addresses_does_not_reset_the_count(string address, string key) =>
        Assert.Equal(key, LoginThrottle.KeyOf(System.Net.IPAddress.Parse(address)));

    [Theory]
    [InlineData("/", true)]
    [InlineData("/port-forwards?x=1", true)]
    [InlineData("//evil.example/", false)]
    [InlineData("/\\evil.example/", false)]
    [InlineData("https://evil.example/", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("/a\r\nSet-Cookie: x", false)]
    public void Login_only_redirects_to_local_paths(string? url, bool local) => Assert.Equal(local, AccountEndpoints.IsLocalUrl(url));

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

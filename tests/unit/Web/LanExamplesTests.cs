using Gateway.Web.Components.Shared;

namespace Gateway.Tests.Unit.Web;

/// <summary>Hint examples come from the router's own LAN, and stay inside it.</summary>
public sealed class LanExamplesTests
{
    [Fact]
    public void Examples_follow_the_configured_LAN() =>
        Assert.Equal(new LanExamples("10.77.0.1", "10.77.0.1/24", "10.77.0.10", "10.77.0.0/24"), LanExamples.From("10.77.0.1/24"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("10.0.0.1/31")]
    public void An_unknown_LAN_falls_back_to_the_usual_default(string? lan) =>
        Assert.Equal(new LanExamples("192.168.1.1", "192.168.1.1/24", "192.168.1.10", "192.168.1.0/24"), LanExamples.From(lan));

    [Theory]
    [InlineData("172.16.0.1/30", "172.16.0.2")]
    [InlineData("172.16.0.2/30", "172.16.0.1")]
    [InlineData("10.0.0.10/24", "10.0.0.2")]
    public void The_device_example_is_inside_the_LAN_and_is_not_the_router(string lan, string host) =>
        Assert.Equal(host, LanExamples.From(lan).Host);
}

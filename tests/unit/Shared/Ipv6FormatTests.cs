using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

/// <summary>RFC 5952 text from <see cref="Ipv6.Format"/>, and host suffixes in the range that looks IPv4-compatible.</summary>
public sealed class Ipv6FormatTests
{
    [Theory]
    [InlineData("0:0:0:0:0:0:0:10", "::10")]
    [InlineData("::A00:27FF:FE4E:66A1", "::a00:27ff:fe4e:66a1")]
    [InlineData("0:0:0:0:0:0:a00:27ff", "::a00:27ff")] // .NET would print ::10.0.39.255
    [InlineData("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1")]
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")] // one zero group is not compressed
    [InlineData("2001:0:0:1:0:0:0:1", "2001:0:0:1::1")] // the longest run
    [InlineData("1:0:0:2:0:0:3:4", "1::2:0:0:3:4")] // the first of equal runs
    [InlineData("ffff:0:0:0:0:0:0:0", "ffff::")]
    [InlineData("::1", "::1")]
    [InlineData("::", "::")]
    public void Format_is_rfc_5952_hex_text(string text, string expected)
    {
        Assert.True(Ipv6.TryParse(text, out var address));
        Assert.Equal(expected, Ipv6.Format(address));
        Assert.True(Ipv6.TryParse(Ipv6.Format(address), out var again));
        Assert.Equal(address, again);
    }

    [Theory]
    [InlineData("::10", true)]
    [InlineData("::a00:27ff", true)]
    [InlineData("::ffff:c0a8:10a", false)] // IPv4-mapped, even in hex
    [InlineData("::ffff:192.168.1.10", false)]
    [InlineData("::192.168.1.10", false)]
    [InlineData("::10%eth0", false)]
    [InlineData("[::10]", false)]
    public void A_suffix_may_look_ipv4_compatible_but_never_mapped_or_dotted(string text, bool ok)
    {
        Assert.Equal(ok, Ipv6.TryParseSuffix(text, out _));
    }

    [Fact]
    public void A_suffix_is_the_low_64_bits_and_the_dotted_ipv4_compatible_form_is_never_read()
    {
        Assert.False(Ipv6.TryParseSuffix("2001:db8::10", out _));
        Assert.False(Ipv6.TryParse("::10.0.39.255", out _));
        Assert.True(Ipv6.TryParse("::a00:27ff", out _));
    }
}

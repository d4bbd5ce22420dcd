using Gateway.Shared.Validation;

namespace Gateway.Tests.Unit.Shared;

public sealed class AddressParsingTests
{
    [Theory]
    [InlineData("192.168.1.1", 0xC0A80101u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("10.0.0.10", 0x0A00000Au)]
    public void Dotted_quads_parse_exactly(string text, uint expected)
    {
        Assert.True(Ipv4.TryParse(text, out var address));
        Assert.Equal(expected, address);
        Assert.Equal(text, Ipv4.Format(address));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("010.0.0.1")] // octal in inet_aton: refused, it would not mean what it shows
    [InlineData(" 1.2.3.4")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2.3.4;")]
    [InlineData("1.2.3.4\n")]
    [InlineData("1.2.3.-4")]
    [InlineData("1.2.3.+4")]
    [InlineData("1..3.4")]
    [InlineData("١.٢.٣.٤")]
    [InlineData("1.2.3.4/24")]
    [InlineData("::1")]
    [InlineData("1.2.3.4 } accept")]
    [InlineData("\"1.2.3.4\"")]
    public void Anything_but_a_strict_dotted_quad_is_refused(string? text) => Assert.False(Ipv4.TryParse(text, out _));

    [Theory]
    [InlineData("192.168.1.1/24", true, "192.168.1.0/24")]
    [InlineData("10.0.0.0/8", true, "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", true, "0.0.0.0/0")]
    [InlineData("203.0.113.7/32", true, "203.0.113.7/32")]
    public void Cidrs_parse_with_their_network(string text, bool valid, string network)
    {
        Assert.Equal(valid, Ipv4Cidr.TryParse(text, allowBareAddress: false, out var cidr));
        Assert.Equal(network, cidr.NetworkText);
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/08")]
    [InlineData("10.0.0.0/")]
    [InlineData("/8")]
    [InlineData("10.0.0.0/8/8")]
    [InlineData("10.0.0.0/8;")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("10.0.0.0")] // bare, not allowed here
    [InlineData("any")]
    public void Malformed_cidrs_are_refused(string text) => Assert.False(Ipv4Cidr.TryParse(text, allowBareAddress: false, out _));

    [Fact]
    public void A_bare_address_is_a_host_cidr_only_when_allowed()
    {
        Assert.True(Ipv4Cidr.TryParse("203.0.113.5", allowBareAddress: true, out var host));
        Assert.Equal(32, host.PrefixLength);
        Assert.False(Ipv4Cidr.TryParse("203.0.113.5", allowBareAddress: false, out _));
    }

    [Fact]
    public void Cidr_membership_network_and_broadcast()
    {
        Assert.True(Ipv4Cidr.TryParse("192.168.1.1/24", false, out var lan));
        Assert.True(Ipv4.TryParse("192.168.1.200", out var inside));
        Assert.True(Ipv4.TryParse("192.168.2.1", out var outside));
        Assert.True(lan.Contains(inside));
        Assert.False(lan.Contains(outside));
        Assert.Equal("192.168.1.255", Ipv4.Format(lan.Broadcast));
        Assert.False(lan.IsNetworkAligned);
    }

    [Theory]
    [InlineData("aa:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:ff")]
    [InlineData("AA:BB:CC:DD:EE:FF", "aa:bb:cc:dd:ee:ff")]
    [InlineData("aa-bb-cc-dd-ee-ff", "aa:bb:cc:dd:ee:ff")]
    [InlineData("0A-1b-2C-3d-4E-5f", "0a:1b:2c:3d:4e:5f")]
    public void Macs_normalise_to_lower_case_colon_form(string text, string expected)
    {
        Assert.True(MacAddress.TryNormalize(text, out var mac));
        Assert.Equal(expected, mac);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("aa:bb:cc:dd:ee")]
    [InlineData("aa:bb:cc:dd:ee:ff:00")]
    [InlineData("aa-bb:cc-dd:ee-ff")]
    [InlineData("aa.bb.cc.dd.ee.ff")]
    [InlineData("aabb.ccdd.eeff")]
    [InlineData("aabbccddeeff")]
    [InlineData("gg:bb:cc:dd:ee:ff")]
    [InlineData("aa:bb:cc:dd:ee:f ")]
    [InlineData("aa:bb:cc:dd:ee:f\n")]
    [InlineData("aa:bb:cc:dd:ee:f;")]
    [InlineData("aa:bb:cc:dd:ee:}f")]
    [InlineData("\"a:bb:cc:dd:ee:ff")]
    public void Malformed_macs_are_refused(string? text) => Assert.False(MacAddress.TryNormalize(text, out _));

    [Theory]
    [InlineData("01:00:5e:00:00:01", true)]
    [InlineData("ff:ff:ff:ff:ff:ff", true)]
    [InlineData("02:00:00:00:00:01", false)]
    [InlineData("aa:bb:cc:dd:ee:ff", false)]
    public void Group_addresses_are_recognised(string mac, bool group) => Assert.Equal(group, MacAddress.IsGroupAddress(mac));
}

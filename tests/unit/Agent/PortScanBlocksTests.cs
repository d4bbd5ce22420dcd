using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

public sealed class PortScanBlocksTests
{
    // As libnftables 1.0.6 lists a timeout set (nft -j list set), captured on this machine.
    private const string Listing = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
         {"set": {"family": "inet", "name": "ps_block4", "table": "gateway", "type": "ipv4_addr", "handle": 4, "size": 65535,
          "flags": ["timeout"], "timeout": 600, "elem": [{"elem": {"val": "203.0.113.2", "expires": 299}}, {"elem": {"val": "203.0.113.9", "timeout": 120, "expires": 12}}]}}]}
        """;

    [Fact]
    public void A_listing_gives_each_blocked_address_with_its_seconds_left()
    {
        var elements = PortScanBlocks.Parse("ps_block4", Listing).ToList();

        Assert.Equal([new("ps_block4", "203.0.113.2", 299), new("ps_block4", "203.0.113.9", 12)], elements);
    }

    [Fact]
    public void Sources_are_listed_earliest_expiry_first_with_an_absolute_time()
    {
        var now = new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.Zero);

        var sources = PortScanBlocks.Sources([.. PortScanBlocks.Parse("ps_block4", Listing)], now);

        Assert.Equal([new BlockedSource("203.0.113.9", now.AddSeconds(12)), new BlockedSource("203.0.113.2", now.AddSeconds(299))], sources);
    }

    [Fact]
    public void A_replace_carries_the_blocks_with_their_time_left_only_into_a_table_that_declares_the_set()
    {
        var blocked = new List<TimedElement> { new("ps_block4", "203.0.113.2", 299), new("ps_block6", "2001:db8:1:2::", 40) };
        const string table = "table inet gateway {\n\tset ps_block4 { type ipv4_addr; flags dynamic, timeout; timeout 600s; size 65535; }\n}\n";

        Assert.Equal("add element inet gateway ps_block4 { 203.0.113.2 timeout 299s }\n", TimedElements.CarryScript(table, blocked));
        Assert.Equal(string.Empty, TimedElements.CarryScript("table inet gateway {\n}\n", blocked));
    }

    [Theory]
    [InlineData("203.0.113.2", "ps_block4", "203.0.113.2")]
    [InlineData("::ffff:203.0.113.2", "ps_block4", "203.0.113.2")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "ps_block6", "2001:db8:1:2::")]
    public void An_address_is_freed_under_its_block_key(string address, string set, string key) =>
        Assert.Equal((set, key), PortScanBlocks.KeyOf(address));

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("fe80::1%eth0")]
    public void Anything_else_has_no_key(string address) => Assert.Null(PortScanBlocks.KeyOf(address));
}

using System.Net;
using Gateway.Agent.Connections;
using Gateway.Agent.Nft;

namespace Gateway.Tests.Unit.Agent;

public sealed class KilledFlowsTests
{
    // As libnftables 1.0.6 lists a concatenated timeout set (nft -j list set), captured on this machine.
    private const string Listing6 = """
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
         {"set": {"family": "inet", "name": "killed_tcp6", "table": "gateway", "type": ["ipv6_addr", "inet_service", "ipv6_addr", "inet_service"],
          "handle": 3, "size": 65535, "flags": ["timeout"], "timeout": 60, "elem": [{"elem": {"val": {"concat": ["2001:db8::1", 1234, "2001:db8::2", 80]}, "expires": 41}},
          {"elem": {"val": {"concat": ["fe80::1", 22, "2001:db8::2", 40000]}, "timeout": 30, "expires": 29}}]}}]}
        """;

    private static FlowTuple Tuple(string source, int sourcePort, string destination, int destinationPort) =>
        new(IPAddress.Parse(source), sourcePort, IPAddress.Parse(destination), destinationPort);

    [Fact]
    public void Both_directions_of_an_ipv4_flow_go_into_killed_tcp4_in_one_command()
    {
        var script = KilledFlows.AddScript([Tuple("198.51.100.7", 40112, "203.0.113.1", 8080), Tuple("192.168.1.10", 80, "198.51.100.7", 40112)]);

        Assert.Equal("add element inet gateway killed_tcp4 { 198.51.100.7 . 40112 . 203.0.113.1 . 8080, 192.168.1.10 . 80 . 198.51.100.7 . 40112 }\n", script);
    }

    [Fact]
    public void Ipv6_flows_go_into_killed_tcp6_in_canonical_form_and_a_routed_flow_adds_each_direction_once()
    {
        var script = KilledFlows.AddScript([Tuple("2001:DB8:0:0::10", 443, "2001:db8:1::5", 50000), Tuple("2001:db8:1::5", 50000, "2001:db8::10", 443), Tuple("2001:db8::10", 443, "2001:db8:1::5", 50000)]);

        Assert.Equal("add element inet gateway killed_tcp6 { 2001:db8::10 . 443 . 2001:db8:1::5 . 50000, 2001:db8:1::5 . 50000 . 2001:db8::10 . 443 }\n", script);
    }

    [Fact]
    public void Mixed_families_mapped_addresses_bad_ports_and_scope_ids_never_reach_nft_as_given()
    {
        Assert.Equal(string.Empty, KilledFlows.AddScript([
            Tuple("192.0.2.1", 1, "2001:db8::1", 2),
            Tuple("::ffff:192.0.2.1", 1, "2001:db8::1", 2),
            Tuple("192.0.2.1", 65536, "192.0.2.2", 2),
            Tuple("192.0.2.1", -1, "192.0.2.2", 2),
        ]));
        var scoped = new FlowTuple(IPAddress.Parse("fe80::1%3"), 22, IPAddress.Parse("fe80::2"), 40000);
        Assert.Equal("fe80::1 . 22 . fe80::2 . 40000", KilledFlows.KeyOf(scoped));
    }

    [Fact]
    public void A_listing_gives_each_killed_tuple_with_its_seconds_left()
    {
        var elements = KilledFlows.Parse(RulesetCompiler.KilledTcp6, Listing6).ToList();

        Assert.Equal([new(RulesetCompiler.KilledTcp6, "2001:db8::1 . 1234 . 2001:db8::2 . 80", 41), new(RulesetCompiler.KilledTcp6, "fe80::1 . 22 . 2001:db8::2 . 40000", 29)], elements);
    }

    [Fact]
    public void A_listing_element_that_is_not_four_parsed_parts_is_skipped()
    {
        const string odd = """
            {"nftables": [{"set": {"name": "killed_tcp4", "elem": [
             {"elem": {"val": {"concat": ["10.0.0.1", 1, "10.0.0.2\" } ; flush ruleset ; #", 2]}, "expires": 9}},
             {"elem": {"val": {"concat": ["10.0.0.1", 70000, "10.0.0.2", 2]}, "expires": 9}},
             {"elem": {"val": {"concat": ["10.0.0.1", 1, "10.0.0.2"]}, "expires": 9}},
             {"elem": {"val": "10.0.0.1", "expires": 9}},
             {"elem": {"val": {"concat": ["10.0.0.1", 1, "10.0.0.2", 2]}, "expires": 0}}]}}]}
            """;

        Assert.Empty(KilledFlows.Parse(RulesetCompiler.KilledTcp4, odd));
    }

    [Fact]
    public void A_replace_carries_killed_flows_with_their_time_left_only_into_a_table_that_declares_the_set()
    {
        var killed = new List<TimedElement> { new("killed_tcp4", "198.51.100.7 . 40112 . 203.0.113.1 . 8080", 57), new("killed_tcp6", "2001:db8::1 . 1234 . 2001:db8::2 . 80", 3) };
        const string table = "table inet gateway {\n\tset killed_tcp4 { type ipv4_addr . inet_service . ipv4_addr . inet_service; flags dynamic, timeout; timeout 60s; size 65535; }\n}\n";

        Assert.Equal("add element inet gateway killed_tcp4 { 198.51.100.7 . 40112 . 203.0.113.1 . 8080 timeout 57s }\n", TimedElements.CarryScript(table, killed));
        Assert.Equal(string.Empty, TimedElements.CarryScript("table inet gateway {\n}\n", killed));
    }

    [Fact]
    public void A_port_forwarded_tcp_entry_gives_the_wan_clients_tuple_and_the_lan_servers_reply_tuple()
    {
        // WAN client 198.51.100.7:40112 -> router 203.0.113.1:8080, DNATed to 192.168.1.10:80.
        var entry = new ConnectionEntry
        {
            Family = 2, // AF_INET
            Protocol = 6,
            OriginalSource = new TupleEnd(ConnectionEntry.AddressOf([198, 51, 100, 7]), 40112),
            OriginalDestination = new TupleEnd(ConnectionEntry.AddressOf([203, 0, 113, 1]), 8080),
            ReplySource = new TupleEnd(ConnectionEntry.AddressOf([192, 168, 1, 10]), 80),
            ReplyDestination = new TupleEnd(ConnectionEntry.AddressOf([198, 51, 100, 7]), 40112),
        };

        var tuples = ConnectionKiller.TcpTuples(entry);

        Assert.Equal([Tuple("198.51.100.7", 40112, "203.0.113.1", 8080), Tuple("192.168.1.10", 80, "198.51.100.7", 40112)], tuples);
        Assert.Empty(ConnectionKiller.TcpTuples(entry with { Protocol = 17 }));
    }

    [Fact]
    public void An_ipv6_tcp_entry_gives_its_addresses_in_full()
    {
        var entry = new ConnectionEntry
        {
            Family = 10, // AF_INET6
            Protocol = 6,
            OriginalSource = new TupleEnd(ConnectionEntry.AddressOf(IPAddress.Parse("2001:db8:1::5").GetAddressBytes()), 50000),
            OriginalDestination = new TupleEnd(ConnectionEntry.AddressOf(IPAddress.Parse("2001:db8::10").GetAddressBytes()), 443),
            ReplySource = new TupleEnd(ConnectionEntry.AddressOf(IPAddress.Parse("2001:db8::10").GetAddressBytes()), 443),
            ReplyDestination = new TupleEnd(ConnectionEntry.AddressOf(IPAddress.Parse("2001:db8:1::5").GetAddressBytes()), 50000),
        };

        Assert.Equal(
            "add element inet gateway killed_tcp6 { 2001:db8:1::5 . 50000 . 2001:db8::10 . 443, 2001:db8::10 . 443 . 2001:db8:1::5 . 50000 }\n",
            KilledFlows.AddScript(ConnectionKiller.TcpTuples(entry)));
    }
}

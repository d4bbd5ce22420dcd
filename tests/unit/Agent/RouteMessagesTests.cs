using System.Buffers.Binary;
using Gateway.Agent.Netlink;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Routing;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The rtnetlink parser on real dumps (seq 4242) captured in a namespace holding: wan0 10.0.0.2/24 and
/// 203.0.113.10/32, wan2 10.2.0.2/24; rules 100 (from 192.168.1.50 lookup 200), 30000 (lookup main
/// suppress_prefixlength 0), 30001 (fwmark 30001 lookup 30001); routes default via 10.2.0.1 dev wan2 table 30001,
/// default dev wan0 table 30002 (plus the kernel's local and main routes).
/// </summary>
public sealed class RouteMessagesTests
{
    private static byte[] Captured(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Agent", "Data", name));

    private static List<T> Parse<T>(string file, ushort replyType, Func<byte[], T?> parse)
        where T : class
    {
        var items = new List<T>();
        var end = RouteMessages.Walk(Captured(file), 4242, (type, body) =>
        {
            if (type == replyType && parse(body.ToArray()) is { } item)
            {
                items.Add(item);
            }
        });
        Assert.Equal(BatchEnd.Done, end);
        return items;
    }

    [Fact]
    public void A_rule_dump_yields_every_ipv4_rule_with_its_selectors()
    {
        var rules = Parse("rtnl-rules.bin", 32, b => RouteMessages.ParseRule(b));

        Assert.Equal(
            [
                new RoutingRule(0, 255),
                new RoutingRule(100, 200, Extra: "from 192.168.1.50/32"),
                new RoutingRule(30000, 254, SuppressPrefixLength: 0),
                new RoutingRule(30001, 30001, FwMark: 30001),
                new RoutingRule(32766, 254),
                new RoutingRule(32767, 253),
            ],
            rules);
        Assert.Equal([false, false, true, true, false, false], rules.Select(r => r.IsOwned));
        Assert.Equal("30001:\tfrom all fwmark 0x7531 lookup 30001", rules[3].ToString());
        Assert.Equal("30000:\tfrom all lookup main suppress_prefixlength 0", rules[2].ToString());
    }

    [Fact]
    public void A_route_dump_yields_tables_destinations_gateways_and_links()
    {
        var routes = Parse("rtnl-routes.bin", 24, b => RouteMessages.ParseRoute(b));

        var owned = routes.Where(r => PolicyRange.Contains(r.Table)).ToList();
        Assert.Equal(2, owned.Count);
        Assert.Equal(("default", "10.2.0.1"), (owned[0].Destination, owned[0].Gateway));
        Assert.Equal(30001, owned[0].Table);
        Assert.Equal(("default", (string?)null, 30002), (owned[1].Destination, owned[1].Gateway, owned[1].Table));
        Assert.NotEqual(owned[0].OutIndex, owned[1].OutIndex);
        Assert.Contains(routes, r => r.Table == 254 && r.Destination == "10.0.0.0/24" && r.OutIndex == owned[1].OutIndex);
        Assert.Contains(routes, r => r.Table == 255 && r.Destination == "203.0.113.10/32");
    }

    [Fact]
    public void An_address_dump_yields_the_local_addresses_with_their_prefixes()
    {
        var addresses = Parse("rtnl-addresses.bin", 20, b => RouteMessages.ParseAddress(b));

        Assert.Equal(
            [("127.0.0.1", 8), ("10.0.0.2", 24), ("203.0.113.10", 32), ("10.2.0.2", 24)],
            addresses.Select(a => (a.Address, a.PrefixLength)));
        Assert.Equal(addresses[1].LinkIndex, addresses[2].LinkIndex);
        Assert.NotEqual(addresses[1].LinkIndex, addresses[3].LinkIndex);
    }

    [Fact]
    public void A_kernel_error_is_an_exception_with_its_errno_and_an_ack_ends_the_request()
    {
        var message = new byte[36];
        BinaryPrimitives.WriteUInt32LittleEndian(message, 36);
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(4), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), 7);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), -17);

        var error = Assert.Throws<NetlinkException>(() => RouteMessages.Walk(message, 7, (_, _) => { }));
        Assert.Equal(17, error.Errno);

        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(16), 0);
        Assert.Equal(BatchEnd.Done, RouteMessages.Walk(message, 7, (_, _) => { }));
        Assert.Equal(BatchEnd.More, RouteMessages.Walk(message, 8, (_, _) => { }));
    }

    [Fact]
    public void Truncated_messages_are_refused()
    {
        var rules = Captured("rtnl-rules.bin");

        Assert.Throws<InvalidDataException>(() => RouteMessages.Walk(rules.AsSpan(0, 40), 4242, (_, _) => { }));
        Assert.Throws<InvalidDataException>(() => RouteMessages.ParseRule(new byte[8]));
    }

    [Fact]
    public void A_rule_body_round_trips_through_the_parser()
    {
        var rule = new RoutingRule(30002, 30002, FwMark: 30002);

        Assert.Equal(rule, RouteMessages.ParseRule(RouteMessages.RuleBody(rule)));
        var suppress = new RoutingRule(30000, 254, SuppressPrefixLength: 0);
        Assert.Equal(suppress, RouteMessages.ParseRule(RouteMessages.RuleBody(suppress)));
    }

    [Fact]
    public void A_link_body_yields_its_name_state_and_the_bridge_it_is_a_port_of()
    {
        // ifinfomsg (index 7, IFF_UP), IFLA_IFNAME "lan1\0", IFLA_MASTER 3.
        var body = new byte[16 + 12 + 8];
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(4), 7);
        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(16), 9);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(18), 3);
        "lan1"u8.CopyTo(body.AsSpan(20));
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(28), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(body.AsSpan(30), 10);
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(32), 3);

        Assert.Equal(new KernelLink(7, "lan1", true, 3), RouteMessages.ParseLink(body));
        Assert.Equal(new KernelLink(7, "lan1", true), RouteMessages.ParseLink(body.AsSpan(0, 28)));
    }
}

using Gateway.Agent.Connections;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

public sealed class ConnectionQueryTests
{
    [Theory]
    [InlineData(0, null, null, null, null, "limit")]
    [InlineData(1001, null, null, null, null, "limit")]
    [InlineData(10, "tcpx", null, null, null, "protocol")]
    [InlineData(10, null, "10.0.0.300", null, null, "address")]
    [InlineData(10, null, "10.0.0.0/8", null, null, "address")]
    [InlineData(10, null, null, 70000, null, "port")]
    [InlineData(10, null, null, null, "zz-1", "cursor")]
    [InlineData(10, "icmpv6", "10.0.0.1", null, null, "address")]
    public void Bad_input_names_its_field(int limit, string? protocol, string? address, int? port, string? cursor, string field)
    {
        Assert.Null(ConnectionQuery.From(new ListConnectionsRequest(protocol, address, port, Limit: limit, Cursor: cursor), out var error));
        Assert.StartsWith(field, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cursor_round_trips_and_orders_newest_first()
    {
        var cursor = ConnectionQuery.Cursor((1_700_000_000_000_000_000, 42));
        var query = ConnectionQuery.From(new ListConnectionsRequest(Cursor: cursor), out _)!;
        Assert.True(query.OnPage((1_700_000_000_000_000_000, 41)));
        Assert.True(query.OnPage((1_600_000_000_000_000_000, 99)));
        Assert.False(query.OnPage((1_700_000_000_000_000_000, 42)));
        Assert.False(query.OnPage((1_800_000_000_000_000_000, 1)));
    }

    [Theory]
    [InlineData(0u, null, null)]
    [InlineData(7u, "forward", 7)]
    [InlineData(0x0100_0003u, "one-to-one", 3)]
    [InlineData(0x0200_0004u, "redirect", 4)]
    [InlineData(0x0300_0005u, "policy-route", 5)]
    [InlineData(0x0400_0006u, "pinhole", 6)]
    [InlineData(0x0500_0007u, "rule", 7)]
    [InlineData(0x0600_0000u, "upnp", null)]
    [InlineData(0x0700_0001u, null, null)]
    public void The_ct_mark_names_what_admitted_a_connection(uint mark, string? kind, int? id) =>
        Assert.Equal((kind, id), ConnectionRows.Kind(mark));
}

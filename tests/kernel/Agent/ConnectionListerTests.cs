using System.Globalization;
using Gateway.Agent.Connections;
using Gateway.Agent.Netlink;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;
using Gateway.Tests.Unit.Agent;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>The connections page against a real conntrack table: kernel and stream filters, newest-first paging, kill by id.</summary>
public sealed class ConnectionListerTests
{
    private static void EnableConntrack()
    {
        Assert.True(new NftApplier().Replace(RulesetCompiler.Compile(GoldenCase.Load("minimal").Config)).Ok);
        ConntrackSwitches.TurnOn();
    }

    private static void Insert(string protocol, string source, int sourcePort, uint mark = 0, string destination = "10.2.0.1")
    {
        var args = new List<string> { "-I", "-p", protocol, "-s", source, "-d", destination, "--sport", sourcePort.ToString(CultureInfo.InvariantCulture), "--dport", "80", "-t", "120" };
        if (protocol == "tcp")
        {
            args.AddRange(["--state", "ESTABLISHED"]);
        }

        if (mark != 0)
        {
            args.AddRange(["-m", mark.ToString(CultureInfo.InvariantCulture)]);
        }

        var result = ThrowawayNamespace.Exec("conntrack", [.. args]);
        Assert.True(result.ExitCode == 0, result.Stderr);
    }

    private static ConnectionsReply List(ListConnectionsRequest request, DeviceMap? devices = null)
    {
        var query = ConnectionQuery.From(request, out var error) ?? throw new InvalidOperationException(error);
        using var socket = new NetlinkSocket();
        return ConnectionLister.List(socket, query, devices ?? DeviceMap.From([], []), DateTimeOffset.UtcNow);
    }

    [Fact]
    public void Filters_by_protocol_address_port_mark_and_device()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            for (var i = 0; i < 12; i++)
            {
                Insert("tcp", "10.1.0.1", 10000 + i, i < 4 ? CtMarks.OneToOne(3) : 0);
            }

            for (var i = 0; i < 5; i++)
            {
                Insert("udp", "10.1.0.2", 20000 + i);
            }

            Insert("tcp", "2001:db8::5", 30000, destination: "2001:db8::1");
            var devices = DeviceMap.From([new Neighbour("10.1.0.2", "02:00:00:00:00:02", "lan")], []);

            Assert.Equal(18, List(new()).Total);
            Assert.Equal(13, List(new(Protocol: "tcp")).Total);
            Assert.Equal(5, List(new(Protocol: "udp", Address: "10.1.0.2")).Total);
            Assert.Equal(1, List(new(Address: "2001:db8::1")).Total);
            Assert.Equal(1, List(new(Port: 10003)).Total);
            var marked = List(new(Mark: CtMarks.OneToOneKind, MarkMask: CtMarks.KindMask));
            Assert.Equal(4, marked.Total);
            Assert.All(marked.Items, row => Assert.Equal(("one-to-one", 3), (row.Kind, row.KindId)));
            var device = List(new(Device: "02-00-00-00-00-02"), devices);
            Assert.Equal(5, device.Total);
            Assert.All(device.Items, row => Assert.Equal(("udp", "02:00:00:00:00:02"), (row.Protocol, row.Device)));
        });
    }

    [Fact]
    public void Pages_walk_every_entry_once_newest_first()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            for (var i = 0; i < 25; i++)
            {
                Insert("tcp", "10.1.0.1", 40000 + i);
            }

            var seen = new List<ConnectionRow>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = List(new(Limit: 10, Cursor: cursor));
                Assert.Equal(25, page.Total);
                seen.AddRange(page.Items);
                cursor = page.NextCursor;
                pages++;
            }
            while (cursor is not null);

            Assert.Equal(3, pages);
            Assert.Equal(25, seen.Select(r => r.Id).Distinct().Count());
            // Inserted one after another: the last inserted (highest source port) comes first.
            Assert.Equal(40024, seen[0].SourcePort);
            Assert.Equal(40000, seen[^1].SourcePort);
            Assert.All(seen, row => Assert.NotNull(row.AgeSeconds));
        });
    }

    [Fact]
    public void Kill_removes_exactly_that_entry_and_a_second_kill_finds_nothing()
    {
        ThrowawayNamespace.Run(() =>
        {
            EnableConntrack();
            Insert("tcp", "10.1.0.1", 50000);
            Insert("tcp", "10.1.0.1", 50001);
            var victim = List(new(Port: 50000)).Items.Single();

            using var socket = new NetlinkSocket();
            Assert.True(ConnectionKiller.Kill(socket, victim.Id));
            Assert.False(ConnectionKiller.Kill(socket, victim.Id));

            var left = List(new());
            Assert.Equal(50001, Assert.Single(left.Items).SourcePort);
        });
    }
}

using Gateway.Agent.Links;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>/proc/net/arp as the kernel prints it: complete entries kept, the rest skipped.</summary>
public sealed class NeighbourTableTests
{
    private const string Header = "IP address       HW type     Flags       HW address            Mask     Device\n";

    [Fact]
    public void Complete_and_permanent_entries_are_kept_with_normalised_macs()
    {
        var text = Header
            + "192.168.1.20     0x1         0x2         AA:BB:CC:00:11:22     *        br-lan\n"
            + "192.168.1.30     0x1         0x6         02:00:00:00:07:09     *        br-lan\n"
            + "203.0.113.1      0x1         0x2         02:fc:00:00:00:05     *        wan0\n";

        var neighbours = NeighbourTable.Parse(text);

        Assert.Equal(
            [
                new Neighbour("192.168.1.20", "aa:bb:cc:00:11:22", "br-lan"),
                new Neighbour("192.168.1.30", "02:00:00:00:07:09", "br-lan"),
                new Neighbour("203.0.113.1", "02:fc:00:00:00:05", "wan0"),
            ],
            neighbours);
    }

    [Fact]
    public void Incomplete_zero_and_malformed_entries_are_skipped()
    {
        var text = Header
            + "192.168.1.40     0x1         0x0         00:00:00:00:00:00     *        br-lan\n" // incomplete, still resolving
            + "192.168.1.41     0x1         0x0         02:00:00:00:00:41     *        br-lan\n" // failed: flags say not complete
            + "192.168.1.42     0x1         0x2         00:00:00:00:00:00     *        br-lan\n"
            + "192.168.1.43     0x1         0x2         not-a-mac             *        br-lan\n"
            + "192.168.1.44     0x1         zz          02:00:00:00:00:44     *        br-lan\n"
            + "999.1.1.1        0x1         0x2         02:00:00:00:00:45     *        br-lan\n"
            + "192.168.1.46     0x1         0x2\n"
            + "\n"
            + "192.168.1.47     0x1         0x2         02:00:00:00:00:47     *        br-lan";

        var neighbour = Assert.Single(NeighbourTable.Parse(text));

        Assert.Equal(new Neighbour("192.168.1.47", "02:00:00:00:00:47", "br-lan"), neighbour);
    }

    [Fact]
    public void An_empty_table_or_only_the_header_gives_no_neighbours()
    {
        Assert.Empty(NeighbourTable.Parse(""));
        Assert.Empty(NeighbourTable.Parse(Header));
    }
}

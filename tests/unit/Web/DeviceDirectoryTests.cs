using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

/// <summary>The names the panel shows beside addresses and MACs: the owner's static lease name wins over a DHCP host name.</summary>
public sealed class DeviceDirectoryTests
{
    [Fact]
    public void A_static_lease_name_wins_then_the_dhcp_host_name_and_unnamed_neighbours_are_offered_last()
    {
        var directory = DeviceDirectory.From(
            [new StaticLease(1, "nas", "02:00:00:00:00:01", "192.168.1.20"), new StaticLease(2, "old", "02:00:00:00:00:09", "192.168.1.29", Enabled: false)],
            [
                new DhcpLease("02:00:00:00:00:01", "192.168.1.20", "diskstation", null, true),
                new DhcpLease("02:00:00:00:00:02", "192.168.1.120", "laptop", null, false),
                new DhcpLease("02:00:00:00:00:03", "192.168.1.121", null, null, false),
            ],
            [new Neighbour("192.168.1.5", "02:00:00:00:00:05", "br-lan")]);

        Assert.Equal("nas", directory.ForMac("02-00-00-00-00-01"));
        Assert.Equal("nas", directory.ForAddress("192.168.1.20/32"));
        Assert.Equal("laptop", directory.ForAddress("192.168.1.120"));
        Assert.Equal("laptop", directory.ForMac("02:00:00:00:00:02"));
        Assert.Null(directory.ForAddress("192.168.1.121"));
        Assert.Null(directory.ForAddress("192.168.1.29"));
        Assert.Null(directory.ForMac("02:00:00:00:00:09"));
        Assert.Equal(["nas", "laptop", null, null], directory.Devices.Select(d => d.Name));
        Assert.Equal("192.168.1.5", directory.Devices[2].Address);
    }
}

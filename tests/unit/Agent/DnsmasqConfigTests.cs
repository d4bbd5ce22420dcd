using Gateway.Agent.Lan;
using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

public sealed class DnsmasqConfigTests
{
    private static readonly DnsmasqPaths Paths = new("/var/lib/gateway/dnsmasq");

    private static readonly GatewayConfig Served = new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"), [], [], new MacPolicy(MacFilterMode.Off), LoggingPolicy.Default)
    {
        Dhcp = new DhcpSettings(true, "192.168.1.100", "192.168.1.249", 3600, "home"),
        Dns = new DnsSettings(true, [], [new DnsHost("printer", "192.168.1.5"), new DnsHost("nas6.home", "2001:db8:1:0:0:0:0:10")]),
        StaticLeases =
        [
            new StaticLease(1, "nas", "AA-BB-CC-00-11-22", "192.168.1.10"),
            new StaticLease(2, "old", "aa:bb:cc:00:11:33", "192.168.1.11", Enabled: false),
        ],
    };

    [Fact]
    public void TheLanLinkAloneIsServedWithTheRangeTheLeaseTimeAndTheDomain()
    {
        var files = DnsmasqConfig.Render(Served, Paths, ["9.9.9.9"]);

        var lines = files.Conf.Split('\n');
        Assert.Contains("interface=br-lan", lines);
        Assert.Contains("except-interface=lo", lines);
        Assert.Contains("bind-dynamic", lines);
        Assert.Contains("no-hosts", lines);
        Assert.Contains("dhcp-range=set:lan,192.168.1.100,192.168.1.249,255.255.255.0,3600", lines);
        Assert.Contains("domain=home", lines);
        Assert.Contains("local=/home/", lines);
        Assert.Contains("servers-file=/var/lib/gateway/dnsmasq/upstream.conf", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("interface=wan", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("enable-ra", StringComparison.Ordinal));
        Assert.Equal("server=9.9.9.9\n", files.Upstream);
    }

    [Fact]
    public void EnabledStaticLeasesBecomeDhcpHostsAndNamesThatExpandHostsQualifies()
    {
        var files = DnsmasqConfig.Render(Served, Paths, []);

        Assert.Equal("aa:bb:cc:00:11:22,192.168.1.10,nas\n", files.DhcpHosts);
        Assert.Equal("192.168.1.5 printer\n2001:db8:1::10 nas6.home\n192.168.1.10 nas\n", files.Hosts);
        Assert.Contains("expand-hosts", files.Conf.Split('\n'));
    }

    [Fact]
    public void TheRouterAnswersToItsOwnNameWithTheLanLinksAddressesQualifiedFirstForReverseLookups()
    {
        var lines = DnsmasqConfig.Render(Served, Paths, []).Conf.Split('\n').ToList();

        var qualified = lines.IndexOf("interface-name=router.home,br-lan");
        Assert.True(qualified >= 0);
        Assert.True(lines.IndexOf("interface-name=router,br-lan") > qualified);

        var dnsOff = DnsmasqConfig.Render(Served with { Dns = DnsSettings.Off }, Paths, []);
        Assert.DoesNotContain("interface-name", dnsOff.Conf, StringComparison.Ordinal);
    }

    [Fact]
    public void TheOwnersUpstreamWinsOverTheLearntOneAndNeitherMeansTheHostsResolver()
    {
        var owner = DnsmasqConfig.Render(Served with { Dns = Served.Dns with { Upstream = ["2620:fe::fe"] } }, Paths, ["9.9.9.9"]);
        Assert.Equal("server=2620:fe::fe\n", owner.Upstream);

        var neither = DnsmasqConfig.Render(Served, Paths, []);
        Assert.Contains("resolv-file=/etc/resolv.conf", neither.Conf.Split('\n'));
        Assert.DoesNotContain("no-resolv", neither.Conf.Split('\n'));
    }

    [Fact]
    public void WithDnsOffDnsmasqServesDhcpOnly()
    {
        var files = DnsmasqConfig.Render(Served with { Dns = DnsSettings.Off }, Paths, ["9.9.9.9"]);

        Assert.Contains("port=0", files.Conf.Split('\n'));
        Assert.DoesNotContain("servers-file", files.Conf, StringComparison.Ordinal);
    }

    [Fact]
    public void WithIpv6OnTheLanGetsRouterAdvertisementsWithRdnssAndDnssl()
    {
        var files = DnsmasqConfig.Render(Served with { Network = Served.Network with { LanIpv6 = "auto" } }, Paths, []);

        var lines = files.Conf.Split('\n');
        Assert.Contains("enable-ra", lines);
        Assert.Contains("dhcp-range=::,constructor:br-lan,ra-stateless,ra-names,64,5400", lines);
        Assert.Contains("dhcp-option=option6:dns-server,[::]", lines);
        Assert.Contains("dhcp-option=option6:domain-search,home", lines);
    }

    [Fact]
    public void NothingToServeMeansNoDnsmasq()
    {
        Assert.True(DnsmasqConfig.Render(Served with { Dhcp = DhcpSettings.Off, Dns = DnsSettings.Off }, Paths, []).Idle);
    }

    [Theory]
    [InlineData("nas\nserver=6.6.6.6")]
    [InlineData("nas#")]
    [InlineData("nas,1")]
    [InlineData("nas=1")]
    public void TextThatSlippedPastTheValidatorIsRefusedNotWritten(string name)
    {
        var hostile = Served with { StaticLeases = [new StaticLease(1, name, "aa:bb:cc:00:11:22", "192.168.1.10")] };
        Assert.Throws<InvalidDataException>(() => DnsmasqConfig.Render(hostile, Paths, []));

        var hostileHost = Served with { Dns = Served.Dns with { Hosts = [new DnsHost(name, "192.168.1.5")] } };
        Assert.Throws<InvalidDataException>(() => DnsmasqConfig.Render(hostileHost, Paths, []));

        Assert.Throws<InvalidDataException>(() => DnsmasqConfig.Render(Served with { Dhcp = Served.Dhcp with { Domain = name } }, Paths, []));
    }
}

using Gateway.Agent.Routing;
using Gateway.Agent.Wan;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The WAN side of the agent without root: dhcpcd's files, its hook events, the status and the static uplink.</summary>
public sealed class WanAgentTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"gw-wan-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Dhcp_without_ipv6_allows_the_wan_link_only_and_turns_ipv6_off()
    {
        Assert.Equal(
            """
            # Written by gateway-agent; dhcpcd reads nothing else.
            allowinterfaces wan0
            option domain_name_servers, domain_name, interface_mtu
            require dhcp_server_identifier
            option rapid_commit
            duid
            noipv4ll
            noarp
            noipv6

            interface wan0

            """.ReplaceLineEndings("\n"),
            DhcpcdConfig.Render(new WanSettings(WanMode.Dhcp), "wan0", "br-lan"));
    }

    [Theory]
    [InlineData("wan0\nscript /tmp/x", "br-lan")]
    [InlineData("ppp*", "br-lan")]
    [InlineData("", "br-lan")]
    [InlineData("wan0", "br-lan nohook")]
    public void A_link_name_that_is_not_one_plain_link_never_reaches_dhcpcds_file(string wan, string lan)
    {
        Assert.False(Gateway.Shared.Validation.FieldRules.IsLinkName(wan) && Gateway.Shared.Validation.FieldRules.IsLinkName(lan));
        Assert.Throws<ArgumentException>(() => DhcpcdConfig.Render(new WanSettings(WanMode.Dhcp, Ipv6: WanIpv6.Auto), wan, lan));
    }

    [Fact]
    public void A_prefix_length_out_of_range_never_reaches_dhcpcds_file() =>
        Assert.Throws<ArgumentException>(() => DhcpcdConfig.Render(new WanSettings(WanMode.Dhcp, Ipv6: WanIpv6.Auto, PrefixHint: 12), "wan0", "br-lan"));

    [Fact]
    public void Ipv6_auto_delegates_the_first_64_to_the_lan_link_which_dhcpcd_leaves_otherwise_alone()
    {
        var text = DhcpcdConfig.Render(new WanSettings(WanMode.Dhcp, Ipv6: WanIpv6.Auto, PrefixHint: 56), "wan0", "br-lan");
        Assert.Contains("allowinterfaces wan0 br-lan\n", text, StringComparison.Ordinal);
        Assert.Contains("interface wan0\n  ipv6rs\n  option dhcp6_name_servers\n  ia_pd 1/::/56 br-lan/0/64\n", text, StringComparison.Ordinal);
        Assert.EndsWith("interface br-lan\n  noipv4\n  noipv6rs\n  nodhcp6\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("noipv6\n", text, StringComparison.Ordinal);

        Assert.Contains("  ia_pd 1 br-lan/0/64\n", DhcpcdConfig.Render(new WanSettings(WanMode.Dhcp, Ipv6: WanIpv6.Auto), "wan0", "br-lan"), StringComparison.Ordinal);
        // Static IPv4 with a delegation: the client asks for the prefix only.
        Assert.Contains("noipv4\n", DhcpcdConfig.Render(new WanSettings(WanMode.Static, "203.0.113.9/24", "203.0.113.1", Ipv6: WanIpv6.Auto), "wan0", "br-lan"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_hook_only_writes_an_event_file_into_the_agent_folder()
    {
        var hook = DhcpcdConfig.Hook("/var/lib/gateway/wan/events");
        Assert.StartsWith("#!/bin/sh\n", hook, StringComparison.Ordinal);
        Assert.Contains("dir='/var/lib/gateway/wan/events'", hook, StringComparison.Ordinal);
        Assert.DoesNotContain("resolv", hook, StringComparison.Ordinal);
        Assert.DoesNotContain("dhcpcd-run-hooks", hook, StringComparison.Ordinal);
    }

    [Fact]
    public void Hook_events_parse_and_drive_the_status_and_counters()
    {
        var now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        var state = new WanState(new FixedTime(now));
        Assert.Null(DhcpcdEvent.Parse("new_ip_address=1.2.3.4\n"));

        var bound = DhcpcdEvent.Parse("interface=wan0\nreason=BOUND\nprotocol=dhcp\nnew_ip_address=203.0.113.124\nnew_subnet_cidr=24\n" +
            "new_routers=203.0.113.2\nnew_domain_name_servers=203.0.113.53 203.0.113.54\nnew_dhcp_lease_time=120\n")!;
        Assert.Equal("203.0.113.124/24", bound.NewAddress);
        Assert.Equal([WanState.Address], state.Apply(bound));
        Assert.Equal([WanState.Renewal], state.Apply(bound with { Reason = "RENEW" }));
        Assert.Equal(["203.0.113.53", "203.0.113.54"], state.LearntDns);

        var pd = DhcpcdEvent.Parse("interface=wan0\nreason=BOUND6\nprotocol=dhcp6\nnew_dhcp6_ia_pd1_prefix1=2001:db8:a00::\n" +
            "new_dhcp6_ia_pd1_prefix1_length=56\nnew_dhcp6_ia_pd1_prefix1_vltime=60\nnew_dhcp6_name_servers=2001:db8:113::53\n")!;
        Assert.Equal([WanState.Prefix], state.Apply(pd));
        Assert.Empty(state.Apply(pd with { Reason = "RENEW6" }));
        Assert.Equal("2001:db8:a00::/56", state.DelegatedPrefix);
        Assert.Equal(["203.0.113.53", "203.0.113.54", "2001:db8:113::53"], state.LearntDns);

        var reply = state.Reply(new WanSettings(WanMode.Dhcp), new LinkInfo("wan0", null, ["203.0.113.124/24", "fe80::1/64"], true, Gateway: "203.0.113.2"), ["2001:db8:113::5/64"]);
        Assert.True(reply.Status.Up);
        Assert.Equal(["203.0.113.124/24", "2001:db8:113::5/64"], reply.Status.Addresses);
        Assert.Equal(now.AddSeconds(120), reply.Status.LeaseExpiresAt);
        Assert.Equal("2001:db8:a00::/56", reply.Status.DelegatedPrefix);
        Assert.Equal(1, reply.Changes.Single(c => c.Kind == WanState.Address).Count);
        Assert.Equal(1, reply.Changes.Single(c => c.Kind == WanState.Renewal).Count);

        // A prefix handed back with lifetime 0 is gone; so is an expired lease.
        Assert.Equal([WanState.Prefix], state.Apply(DhcpcdEvent.Parse("interface=wan0\nreason=RENEW6\nnew_dhcp6_ia_pd1_prefix1=2001:db8:a00::\nnew_dhcp6_ia_pd1_prefix1_length=56\nnew_dhcp6_ia_pd1_prefix1_vltime=0\n")!));
        Assert.Null(state.DelegatedPrefix);
        Assert.Equal([WanState.Address], state.Apply(DhcpcdEvent.Parse("interface=wan0\nreason=EXPIRE\nprotocol=dhcp\n")!));
        Assert.Empty(state.Reply(new WanSettings(WanMode.Dhcp), null, []).Status.DnsServers);
    }

    [Fact]
    public void Static_adds_address_and_route_and_removes_exactly_them_even_after_a_restart()
    {
        var kernel = new FakeRoutingKernel();
        var record = Path.Combine(_dir, "static.json");
        var want = WanStatic.Wanted(new WanSettings(WanMode.Static, "203.0.113.9/24", "203.0.113.1"), "wan0");
        Assert.Equal(new WanStaticRecord("wan0", "203.0.113.9", 24, "203.0.113.1"), want);
        Assert.Null(WanStatic.Wanted(new WanSettings(WanMode.Dhcp), "wan0"));
        Assert.Null(WanStatic.Wanted(new WanSettings(WanMode.Static, "203.0.113.9/24", "203.0.113.1"), "ppp*"));

        // The owner's own address on the link is never touched.
        kernel.AddressList.Add(new LinkAddress("wan0", "198.51.100.7", 24));
        new WanStatic(kernel, record).Reconcile(want);
        Assert.Contains(new LinkAddress("wan0", "203.0.113.9", 24), kernel.Addresses());
        Assert.Contains(new RoutingRoute(WanStatic.MainTable, "default", "203.0.113.1", "wan0"), kernel.RouteList);
        Assert.True(File.Exists(record));

        // A new agent (same file) that no longer wants it removes it, and only it.
        new WanStatic(kernel, record).Reconcile(null);
        Assert.Equal([new LinkAddress("wan0", "198.51.100.7", 24)], kernel.Addresses().Where(a => a.Link == "wan0"));
        Assert.Empty(kernel.RouteList);
        Assert.False(File.Exists(record));
        Assert.Empty(new WanStatic(kernel, record).Reconcile(null));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

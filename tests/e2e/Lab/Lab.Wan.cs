using System.Diagnostics;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// A lab "ISP" in the WAN namespace for the agent's own WAN client: dnsmasq hands out IPv4 leases on
/// 203.0.113.0/24 (router and DNS option set, short renewal timers) and sends router advertisements for
/// 2001:db8:113::/64; Kea's DHCPv6 server delegates prefixes. The router's WAN link starts without its IPv4 address.
/// </summary>
public sealed partial class Lab
{
    public const string IspDns = "203.0.113.53";
    public const string IspDns6 = "2001:db8:113::53";

    private Process? _kea;

    public Task<WanStatusReply> AgentWanStatusAsync() => AgentRequestAsync<WanStatusReply>(new GetWanStatusRequest());

    /// <summary>
    /// Takes the router's static IPv4 address and default route off the WAN link and starts the ISP's dnsmasq:
    /// leases .100–.150 (dnsmasq's minimum 2-minute lease, renewal after 4 s), RAs for the WAN's /64, no DNS service.
    /// </summary>
    public async Task StartIspAsync()
    {
        await MustAsync(RouterNs, $"ip route del default 2>/dev/null; ip addr del {RouterWanIp}/24 dev {WanInterface}");
        StartInNs(WanNs, $"exec dnsmasq --keep-in-foreground --conf-file=/dev/null --pid-file= --log-facility=- --user=root --port=0 " +
            $"--interface=eth0 --bind-interfaces --dhcp-leasefile={Path.Combine(_stateDir, "isp.leases")} " +
            "--dhcp-range=203.0.113.100,203.0.113.150,255.255.255.0,2m --dhcp-option=option:router,203.0.113.2 " +
            $"--dhcp-option=option:dns-server,{IspDns} --dhcp-option=option:T1,4 --dhcp-option=option:T2,6 " +
            "--enable-ra --dhcp-range=::,constructor:eth0,ra-only");
        // The delegated prefixes are routed back to the router's WAN address, as an ISP does.
        await MustAsync(WanNs, $"ip -6 route add 2001:db8:a00::/48 via {RouterWanIp6} && ip -6 route add 2001:db8:b00::/48 via {RouterWanIp6}");
    }

    /// <summary>
    /// (Re)starts Kea's DHCPv6 server delegating /56s out of <paramref name="pool"/> (a /48 such as 2001:db8:a00::),
    /// renew after 3 s. A restart forgets its leases (memfile, not persisted): the next renewal gets a prefix of the new pool.
    /// </summary>
    public async Task StartKeaAsync(string pool)
    {
        if (_kea is { } old)
        {
            old.Kill(entireProcessTree: true);
            await old.WaitForExitAsync();
        }

        var dir = Path.Combine(_stateDir, "kea");
        Directory.CreateDirectory(dir);
        var conf = Path.Combine(dir, "kea-dhcp6.json");
        await File.WriteAllTextAsync(conf, $$$"""
            {"Dhcp6": {
              "interfaces-config": {"interfaces": ["eth0"]},
              "server-id": {"type": "EN", "enterprise-id": 2495, "identifier": "0102", "persist": false},
              "lease-database": {"type": "memfile", "persist": false},
              "renew-timer": 3, "rebind-timer": 5, "preferred-lifetime": 60, "valid-lifetime": 90,
              "subnet6": [{"id": 1, "subnet": "2001:db8:113::/64", "interface": "eth0",
                "pd-pools": [{"prefix": "{{{pool}}}", "prefix-len": 48, "delegated-len": 56}],
                "option-data": [{"name": "dns-servers", "data": "{{{IspDns6}}}"}]}],
              "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": "stdout"}], "severity": "INFO"}]
            }}
            """);
        _kea = StartInNs(WanNs, $"export KEA_PIDFILE_DIR={dir} KEA_LOCKFILE_DIR={dir}; exec kea-dhcp6 -c {conf}");
    }

    /// <summary>The pids of dhcpcd processes in the router namespace.</summary>
    public async Task<IReadOnlyList<string>> RouterDhcpcdPidsAsync()
    {
        var result = await ExecAsync(RouterNs, $"for p in $(ip netns pids {RouterNs}); do [ \"$(cat /proc/$p/comm 2>/dev/null)\" = dhcpcd ] && echo $p; done; true");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

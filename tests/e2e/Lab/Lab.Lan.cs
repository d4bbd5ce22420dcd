using System.Net.Sockets;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// The LAN services side of the lab: configs sent to the agent straight over its socket (the REST resources are the
/// web's), a DHCP client run in a lab host without touching the host machine's files, and DNS questions by <c>dig</c>.
/// </summary>
public sealed partial class Lab
{
    private long _agentRevision = 1000;

    /// <summary>The lab's network (WAN link, br-lan 192.168.50.1/24) with DHCP .100–.199 (2-minute leases) and DNS on.</summary>
    public GatewayConfig LanServicesConfig(
        IReadOnlyList<StaticLease>? staticLeases = null,
        IReadOnlyList<DnsHost>? hosts = null,
        IReadOnlyList<string>? upstream = null,
        string lanAddress = LanCidr,
        string? lanIpv6 = null) => new(
        new NetworkSettings(WanInterface, LanInterface, lanAddress, LanIpv6: lanIpv6),
        [],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default,
        Dhcp: new DhcpSettings(true, lanAddress.StartsWith("192.168.50.", StringComparison.Ordinal) ? "192.168.50.100" : DhcpSettings.DefaultRange(lanAddress)!.Value.Start,
            lanAddress.StartsWith("192.168.50.", StringComparison.Ordinal) ? "192.168.50.199" : DhcpSettings.DefaultRange(lanAddress)!.Value.End, 120),
        StaticLeases: staticLeases,
        Dns: new DnsSettings(true, upstream, hosts));

    /// <summary>Sends <c>apply</c> over the agent socket and returns the agent's answer to it.</summary>
    public async Task<AppliedEvent> ApplyToAgentAsync(GatewayConfig config)
    {
        var revision = Interlocked.Increment(ref _agentRevision);
        return await AgentRequestAsync<AppliedEvent>(new ApplyRequest(revision, config), e => e.Revision == revision);
    }

    public Task<LeasesReply> AgentLeasesAsync() => AgentRequestAsync<LeasesReply>(new GetLeasesRequest());

    public Task<InterfacesReply> AgentInterfacesAsync() => AgentRequestAsync<InterfacesReply>(new GetInterfacesRequest());

    private async Task<T> AgentRequestAsync<T>(AgentRequest request, Func<T, bool>? match = null)
        where T : AgentEvent
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(AgentSocketPath), cts.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(new HelloRequest(AgentProtocol.Version)), cts.Token);
        await Framing.WriteAsync(stream, AgentProtocol.Serialize(request), cts.Token);
        while (true)
        {
            var frame = await Framing.ReadAsync(stream, cts.Token) ?? throw new IOException("The agent closed the socket.");
            if (AgentProtocol.DeserializeEvent(frame) is T reply && (match is null || match(reply)))
            {
                return reply;
            }
        }
    }

    /// <summary>
    /// Runs dhcpcd once (IPv4 only) on <c>eth0</c> of <paramref name="ns"/>, sending <paramref name="hostname"/>.
    /// Its state and run folders are private tmpfs mounts (ip netns exec gives each command its own mount namespace),
    /// and its hook script is <c>true</c>: nothing is written to the host's /etc/resolv.conf or /var/lib/dhcpcd.
    /// Returns the address it got, or null.
    /// </summary>
    public async Task<string?> DhcpLeaseAsync(string ns, string? hostname = null, int timeoutSeconds = 15)
    {
        var name = hostname is null ? "" : $"-h {hostname}";
        var result = await ExecAsync(ns,
            "mount -t tmpfs none /var/lib/dhcpcd && mkdir -p /run/dhcpcd && mount -t tmpfs none /run/dhcpcd && : > /run/dhcpcd/empty.conf && " +
            $"dhcpcd -4 -1 --noarp -c /bin/true -f /run/dhcpcd/empty.conf {name} -t {timeoutSeconds} eth0 >/dev/null 2>&1; " +
            "ip -4 -o addr show dev eth0 dynamic | awk '{print $4}' | cut -d/ -f1 | head -1",
            TimeSpan.FromSeconds(timeoutSeconds + 10));
        var address = result.Stdout.Trim();
        return address.Length == 0 ? null : address;
    }

    /// <summary>
    /// Drops the dynamic addresses a DHCP client left on <c>eth0</c> of <paramref name="ns"/>, and puts back the lab's
    /// static routes: dhcpcd replaces the link's prefix route and default route with its own (source: the leased
    /// address), which go with that address.
    /// </summary>
    public Task<CommandResult> ReleaseDhcpAsync(string ns) =>
        ExecAsync(ns,
            "for a in $(ip -4 -o addr show dev eth0 dynamic | awk '{print $4}'); do ip addr del \"$a\" dev eth0; done; " +
            "for a in $(ip -4 -o addr show dev eth0 | awk '{print $4}'); do ip addr del \"$a\" dev eth0; ip addr add \"$a\" dev eth0; done; " +
            (ns == Lan1Ns || ns == Lan2Ns ? $"ip route replace default via {RouterLanIp} dev eth0" : "true"));

    /// <summary><c>dig +short</c> from <paramref name="ns"/>: the answer lines, or null when no answer came (timeout, refused).</summary>
    public async Task<string?> DigAsync(string ns, string server, string question, bool tcp = false)
    {
        var result = await ExecAsync(ns, $"dig +short +tries=1 +time=2 {(tcp ? "+tcp " : "")}@{server} {question}", TimeSpan.FromSeconds(10));
        return result.Succeeded && !result.Stdout.Contains(";;", StringComparison.Ordinal) ? result.Stdout.Trim() : null;
    }

    /// <summary>The pid of the agent's dnsmasq in the router namespace, or null.</summary>
    public async Task<int?> DnsmasqPidAsync()
    {
        var result = await ExecAsync(RouterNs, $"for p in $(ip netns pids {RouterNs}); do [ \"$(cat /proc/$p/comm 2>/dev/null)\" = dnsmasq ] && echo $p; done; true");
        return int.TryParse(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(), out var pid) ? pid : null;
    }
}

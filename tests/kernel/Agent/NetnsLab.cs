namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// Hosts around a router for kernel tests: the router is the current <see cref="ThrowawayNamespace"/>, each host
/// a uniquely named namespace joined to it by a veth pair (its end is <c>eth0</c>). Disposing deletes the hosts.
/// </summary>
internal sealed class NetnsLab : IDisposable
{
    private readonly string _prefix = "gwn" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _hosts = [];

    public NetnsLab()
    {
        // rp_filter is inherited from the host; the tests measure the ruleset, not the kernel's own reverse-path check.
        Router("sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0");
    }

    /// <summary>A host namespace linked to the router: the router side is <paramref name="routerLink"/> (or enslaved to a bridge).</summary>
    public string Host(string role, string routerLink, string hostCidr, string? gateway, string? bridge = null)
    {
        var name = $"{_prefix}-{role}";
        Check(ProcessRunner.Run("ip", "netns", "add", name), "ip netns add");
        _hosts.Add(name);
        Check(ThrowawayNamespace.Exec("ip", "link", "add", routerLink, "type", "veth", "peer", "name", "eth0", "netns", name), "veth");
        Router(bridge is null ? $"ip link set {routerLink} up" : $"ip link set {routerLink} master {bridge} up");
        In(name, $"ip link set lo up && ip link set eth0 up && ip addr add {hostCidr} dev eth0"
            + (gateway is null ? string.Empty : $" && ip route add default via {gateway}"));
        return name;
    }

    /// <summary>Runs a script in the router namespace; it must succeed.</summary>
    public ProcessRunner.Result Router(string script) => Check(ThrowawayNamespace.Shell(script), script);

    /// <summary>Runs a script in a host namespace; it must succeed.</summary>
    public ProcessRunner.Result In(string host, string script) => Check(Try(host, script), script);

    /// <summary>Runs a script in a host namespace, whatever its exit code.</summary>
    public static ProcessRunner.Result Try(string host, string script) => ProcessRunner.Run("ip", "netns", "exec", host, "sh", "-c", script);

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            ProcessRunner.Run("ip", "netns", "del", host);
        }
    }

    private static ProcessRunner.Result Check(ProcessRunner.Result result, string what) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException($"{what} failed ({result.ExitCode}): {result.Stderr}");
}

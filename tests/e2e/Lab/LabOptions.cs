namespace Gateway.Tests.E2e.Lab;

public sealed class LabOptions
{
    /// <summary>The router's WAN link name inside the router namespace ("ppp0" to test the "ppp*" wildcard).</summary>
    public string WanInterfaceName { get; init; } = "wan0";

    /// <summary>Folder name under artifacts/e2e/ for this lab's process logs; defaults to the lab's prefix.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Run the web inside the router namespace on all its addresses (as on a real router) instead of on the
    /// host's loopback, so lab hosts can talk to it and it sees their real addresses. The test process then
    /// reaches it through the router namespace's own loopback (<see cref="Lab.CreateClient"/> does that).
    /// </summary>
    public bool WebInRouterNamespace { get; init; }

    /// <summary>
    /// Give the router a second uplink (<c>wan2</c>, 198.51.100.1/24) to its own WAN host (<see cref="Lab.Wan2Ns"/>,
    /// 198.51.100.2), and put <see cref="Lab.InternetIp"/> behind both uplinks (scripts/lab.sh <c>--wan2</c>).
    /// The router gets no route through it: policy routing is what sends traffic there.
    /// </summary>
    public bool SecondUplink { get; init; }

    /// <summary>Extra environment for the web process (settings such as <c>Apply__ConfirmSeconds</c>).</summary>
    public IReadOnlyDictionary<string, string> WebEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra environment for the agent process (settings such as <c>FirstBoot__LanInterface</c>).</summary>
    public IReadOnlyDictionary<string, string> AgentEnvironment { get; init; } = new Dictionary<string, string>();
}

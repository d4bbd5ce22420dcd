using System.Diagnostics;
using System.Net.Sockets;
using Gateway.Agent.Ipc;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// The built agent as a real process: started with <c>ip netns exec</c> in a uniquely named namespace made
/// for the test (and deleted after), configured through <c>Agent__*</c> environment variables.
/// </summary>
public sealed class AgentProcessTests : IDisposable
{
    private readonly string _namespace = $"gwut-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"gw-agent-proc-{Environment.ProcessId}-{Guid.NewGuid():N}");
    private readonly List<Process> _agents = [];

    public AgentProcessTests()
    {
        var created = ProcessRunner.Run("ip", "netns", "add", _namespace);
        Assert.True(created.ExitCode == 0, created.Stderr);
    }

    private string SocketPath => Path.Combine(_directory, "agent.sock");

    private string StateDir => Path.Combine(_directory, "state");

    private static string AgentDll => typeof(AgentServer).Assembly.Location;

    public void Dispose()
    {
        foreach (var agent in _agents)
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
                agent.WaitForExit();
            }

            agent.Dispose();
        }

        ProcessRunner.Run("ip", "netns", "del", _namespace);
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private Process StartAgent()
    {
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "netns", "exec", _namespace, "dotnet", AgentDll })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Agent__SocketPath"] = SocketPath;
        info.Environment["Agent__StateDir"] = StateDir;
        info.Environment["Agent__AllowedUids__0"] = "0";
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _agents.Add(process);
        return process;
    }

    private async Task<Socket> ConnectAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
                return socket;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Sends a request and returns the first frame of type <typeparamref name="T"/> (pushed frames may come first).</summary>
    private static async Task<T> AskAsync<T>(Socket socket, AgentRequest? request)
        where T : AgentEvent
    {
        using var stream = new NetworkStream(socket, ownsSocket: false);
        if (request is not null)
        {
            await Framing.WriteAsync(stream, AgentProtocol.Serialize(request));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var body = await Framing.ReadAsync(stream, timeout.Token) ?? throw new IOException("The agent closed the connection.");
            if (AgentProtocol.DeserializeEvent(body) is T wanted)
            {
                return wanted;
            }
        }
    }

    private string Nft(params string[] args) => ProcessRunner.Run("ip", ["netns", "exec", _namespace, "nft", .. args]).Stdout;

    private static GatewayConfig Config() => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        [new PortForward(5, "web", true, ForwardProtocol.Tcp, 8080, null, "192.168.1.20", 80, null)],
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default);

    [Fact]
    public async Task Applies_pushes_samples_and_restores_the_last_good_rules_at_boot_before_listening()
    {
        // A link with a known MAC and address, to find in the interfaces reply.
        var link = ProcessRunner.Run("sh", "-c", $"ip -n {_namespace} link add gwdummy0 address 02:00:00:00:07:01 type veth peer name gwdummy1 && ip -n {_namespace} addr add 10.7.0.1/24 dev gwdummy0 && ip -n {_namespace} link set gwdummy1 up && ip -n {_namespace} link set gwdummy0 up"
            + $" && ip -n {_namespace} neigh add 10.7.0.9 lladdr 02:00:00:00:07:09 dev gwdummy0 nud permanent"
            // The LAN link the config names must exist, and gwdummy0 carries the default route: the uplink.
            + $" && ip -n {_namespace} link add br-lan type bridge && ip -n {_namespace} route add default via 10.7.0.254 dev gwdummy0"
            + $" && ip netns exec {_namespace} sysctl -qw net.ipv4.ip_forward=0");
        Assert.True(link.ExitCode == 0, link.Stderr);
        var agent = StartAgent();
        using (var socket = await ConnectAsync())
        {
            var hello = await AskAsync<HelloReply>(socket, new HelloRequest(AgentProtocol.Version));
            Assert.Equal(0, hello.AppliedRevision);

            var applied = await AskAsync<AppliedEvent>(socket, new ApplyRequest(41, Config()));
            Assert.True(applied.Ok, applied.Error);

            var ruleset = await AskAsync<RulesetReply>(socket, new GetRulesetRequest());
            Assert.Contains("tcp . 8080 comment \"web\" : 192.168.1.20 . 80", ruleset.Text, StringComparison.Ordinal);
            // The live table, then what the agent owns beyond it: here the LAN address it put on br-lan.
            Assert.StartsWith(Nft("list", "table", "inet", "gateway").TrimEnd('\n') + "\n\n", ruleset.Text, StringComparison.Ordinal);
            Assert.Contains("192.168.1.1/24 dev br-lan", ruleset.Text, StringComparison.Ordinal);

            var links = await AskAsync<InterfacesReply>(socket, new GetInterfacesRequest());
            var dummy = Assert.Single(links.Interfaces, l => l.Name == "gwdummy0");
            Assert.Equal("02:00:00:00:07:01", dummy.Mac);
            Assert.Contains("10.7.0.1/24", dummy.Addresses);
            Assert.True(dummy.Up);
            Assert.True(dummy.DefaultRoute);
            Assert.False(Assert.Single(links.Interfaces, l => l.Name == "br-lan").DefaultRoute);
            Assert.Contains(links.Interfaces, l => l.Name == "lo");

            // The namespace's own ARP table, as the kernel holds it: the permanent entry added above.
            var neighbours = await AskAsync<NeighboursReply>(socket, new GetNeighboursRequest());
            Assert.Contains(new Neighbour("10.7.0.9", "02:00:00:00:07:09", "gwdummy0"), neighbours.Neighbours);

            var sample = await AskAsync<ConntrackSample>(socket, null);
            Assert.Equal([new ForwardConnections(5, 0)], sample.PortForwards);
            Assert.True(sample.Max > 0);

            // Pushed every 2 s; the config has no traffic rules, so the sample is empty.
            var counters = await AskAsync<CountersSample>(socket, null);
            Assert.Empty(counters.Rules);

            // The agent turned forwarding on for its namespace when it applied.
            Assert.Equal("1", ProcessRunner.Run("ip", "netns", "exec", _namespace, "cat", "/proc/sys/net/ipv4/ip_forward").Stdout.Trim());
        }

        // SIGTERM: clean exit, socket removed.
        Assert.Equal(0, ProcessRunner.Run("kill", "-TERM", agent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode);
        Assert.True(agent.WaitForExit(30_000));
        Assert.Equal(0, agent.ExitCode);
        Assert.False(File.Exists(SocketPath));

        // Someone flushes our table while the agent is down; the restart brings it back before the socket opens.
        Nft("delete", "table", "inet", "gateway");
        Assert.Equal(string.Empty, Nft("list", "tables").Trim());
        StartAgent();
        using var again = await ConnectAsync();
        Assert.Contains("tcp . 8080 comment \"web\" : 192.168.1.20 . 80", Nft("list", "table", "inet", "gateway"), StringComparison.Ordinal);
        Assert.Equal(41, (await AskAsync<HelloReply>(again, new HelloRequest(AgentProtocol.Version))).AppliedRevision);
    }

    [Fact]
    public async Task A_planted_table_is_replaced_at_first_boot_and_a_deleted_table_comes_back_with_a_drift_frame()
    {
        var setup = ProcessRunner.Run("sh", "-c", $"ip -n {_namespace} link add br-lan type bridge"
            + $" && ip netns exec {_namespace} nft add table inet gateway"
            + $" && ip netns exec {_namespace} nft add chain inet gateway planted '{{ type filter hook forward priority 0; policy accept; }}'");
        Assert.True(setup.ExitCode == 0, setup.Stderr);
        StartAgent();
        using var socket = await ConnectAsync();
        Assert.DoesNotContain("planted", Nft("list", "table", "inet", "gateway"), StringComparison.Ordinal);

        Assert.True((await AskAsync<AppliedEvent>(socket, new ApplyRequest(3, Config()))).Ok);
        Nft("delete", "table", "inet", "gateway");

        // The watcher looks every 5 s; its frame says what it found and that it put the table back.
        var drift = await AskAsync<DriftEvent>(socket, null);
        Assert.Equal("table inet gateway was removed", drift.What);
        Assert.True(drift.Repaired);
        Assert.Contains("tcp . 8080 comment \"web\" : 192.168.1.20 . 80", Nft("list", "table", "inet", "gateway"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_configuration_exits_non_zero_with_a_one_line_reason()
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(AgentDll);
        info.Environment["Agent__SocketPath"] = "relative/agent.sock";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("Agent:SocketPath", stderr, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Shared.Protocol;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// One lab: uniquely named network namespaces made by scripts/lab.sh (router, lan1, lan2, wan), the built
/// agent running inside the router namespace, and the built web on a free loopback port with a fresh
/// SQLite file. Disposing stops both processes and deletes the namespaces, also after failures.
/// </summary>
public sealed partial class Lab : IAsyncDisposable
{
    public const string RouterLanIp = "192.168.50.1";
    public const string RouterWanIp = "203.0.113.1";
    public const string WanHostIp = "203.0.113.2";
    /// <summary>A second address of the WAN host, for source-restricted forwards.</summary>
    public const string WanHostSecondIp = "203.0.113.3";
    /// <summary>The router's address on the second uplink (labs with <see cref="LabOptions.SecondUplink"/>).</summary>
    public const string RouterWan2Ip = "198.51.100.1";
    public const string Wan2HostIp = "198.51.100.2";
    public const string Wan2Interface = "wan2";
    /// <summary>An "internet" address both WAN hosts hold (on lo) in a lab with a second uplink.</summary>
    public const string InternetIp = "192.0.2.1";
    public const string Lan1Ip = "192.168.50.10";
    public const string Lan2Ip = "192.168.50.11";
    public const string LanCidr = "192.168.50.1/24";
    public const string AdminPassword = "correct-horse-battery";

    public static readonly TimeSpan DefaultPacketTimeout = TimeSpan.FromSeconds(3);

    private readonly string _prefix;
    private readonly string _stateDir;
    private readonly string _dotnet;
    private readonly IReadOnlyDictionary<string, string> _webEnvironment;
    private readonly IReadOnlyDictionary<string, string> _agentEnvironment;
    private readonly List<IAsyncDisposable> _servers = [];
    private readonly List<LabProcess> _nsProcesses = [];
    private readonly List<HttpClient> _clients = [];
    private LabProcess? _agent;
    private LabProcess? _web;
    private int _nsProcessCount;
    private int _disposed;

    private Lab(string prefix, LabOptions options)
    {
        _prefix = prefix;
        _stateDir = Path.Combine(Path.GetTempPath(), $"gateway-e2e-{prefix}");
        _dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        ArtifactsDir = Path.Combine(RepoRoot.Path, "artifacts", "e2e", options.Name ?? prefix);
        WanInterface = options.WanInterfaceName;
        WebInRouterNamespace = options.WebInRouterNamespace;
        SecondUplink = options.SecondUplink;
        _webEnvironment = options.WebEnvironment;
        _agentEnvironment = options.AgentEnvironment;
        RouterNs = $"{prefix}-router";
        Lan1Ns = $"{prefix}-lan1";
        Lan2Ns = $"{prefix}-lan2";
        WanNs = $"{prefix}-wan";
        Wan2Ns = $"{prefix}-wan2";
        WebPort = FreeLoopbackPort();
        WebUrl = $"http://127.0.0.1:{WebPort}";
    }

    /// <summary>The web's address as the test process reaches it (through the router namespace's loopback when the web runs there).</summary>
    public string WebUrl { get; }

    public int WebPort { get; }

    public bool WebInRouterNamespace { get; }

    public string RouterNs { get; }

    public string WanNs { get; }

    /// <summary>The second uplink's WAN host; exists only with <see cref="LabOptions.SecondUplink"/>.</summary>
    public string Wan2Ns { get; }

    public bool SecondUplink { get; }

    public string Lan1Ns { get; }

    public string Lan2Ns { get; }

    public string WanInterface { get; }

    public string LanInterface => "br-lan";

    public string Lan1Mac { get; private set; } = "";

    public string Lan2Mac { get; private set; } = "";

    /// <summary>artifacts/e2e/&lt;name&gt;/: agent.log, web.log, and whatever tests save (screenshots).</summary>
    public string ArtifactsDir { get; }

    /// <summary>A temp folder of this lab (socket, database, agent state), deleted at dispose.</summary>
    public string StateDir => _stateDir;

    public string AgentSocketPath => Path.Combine(_stateDir, "agent.sock");

    public string AgentStateDir => Path.Combine(_stateDir, "agent-state");

    /// <summary>Where the agent writes its dnsmasq's files (and dnsmasq its leases).</summary>
    public string DnsmasqDir => Path.Combine(_stateDir, "dnsmasq");

    /// <summary>The agent's dhcpcd folder (<c>Agent:WanDir</c>).</summary>
    public string WanDir => Path.Combine(_stateDir, "wan");

    public string DatabasePath => Path.Combine(_stateDir, "gateway.db");

    public static async Task<Lab> StartAsync(LabOptions? options = null, CancellationToken ct = default)
    {
        options ??= new LabOptions();
        var prefix = "gw" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var lab = new Lab(prefix, options);
        try
        {
            await lab.CreateAsync(ct);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        if (Directory.Exists(ArtifactsDir))
        {
            Directory.Delete(ArtifactsDir, recursive: true);
        }

        Directory.CreateDirectory(ArtifactsDir);
        Directory.CreateDirectory(AgentStateDir);
        // dnsmasq (dropped to its own user) must reach DnsmasqDir inside: whatever the umask, the lab folder is 0755.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_stateDir, (UnixFileMode)0b111_101_101);
        }


        string[] upArguments = SecondUplink ? [LabScript, "up", _prefix, WanInterface, "--wan2"] : [LabScript, "up", _prefix, WanInterface];
        var up = await RunAsync("bash", upArguments, TimeSpan.FromSeconds(30));
        await File.WriteAllTextAsync(Path.Combine(ArtifactsDir, "lab-up.log"), up.ToString(), ct);
        if (!up.Succeeded)
        {
            throw new InvalidOperationException($"lab.sh up failed: {up}");
        }

        var values = up.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1].Trim());
        Lan1Mac = values["lan1_mac"];
        Lan2Mac = values["lan2_mac"];

        await StartAgentAsync();
        await StartWebAsync();
    }

    private static string LabScript => Path.Combine(RepoRoot.Path, "scripts", "lab.sh");

    // ---- commands in namespaces ---------------------------------------------------------------------------

    /// <summary>Runs <c>bash -c</c> inside a namespace and returns its exit code and output.</summary>
    public Task<CommandResult> ExecAsync(string ns, string bashCommand, TimeSpan? timeout = null) =>
        RunAsync("ip", ["netns", "exec", ns, "bash", "-c", bashCommand], timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Starts a long-running command (a server) inside a namespace; it is killed at dispose.</summary>
    public Process StartInNs(string ns, string bashCommand)
    {
        var name = $"ns-{Interlocked.Increment(ref _nsProcessCount)}";
        var process = LabProcess.Start(name, "ip", ["netns", "exec", ns, "bash", "-c", bashCommand],
            new Dictionary<string, string>(), _stateDir, Path.Combine(ArtifactsDir, $"{name}.log"));
        lock (_nsProcesses)
        {
            _nsProcesses.Add(process);
        }

        return process.Process;
    }

    private static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            return new CommandResult(124, await stdout, await stderr + $"\n(killed after {timeout.TotalSeconds:0}s)");
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr);
    }

    // ---- disposal --------------------------------------------------------------------------------------

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        var errors = new List<string>();
        async Task Try(string what, Func<Task> action)
        {
            try
            {
                await action();
            }
            catch (Exception e)
            {
                errors.Add($"{what}: {e.Message}");
            }
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        // The router's last ruleset, for reading after a failure.
        await Try("ruleset", async () =>
        {
            var ruleset = await ExecAsync(RouterNs, "nft list ruleset", TimeSpan.FromSeconds(10));
            await File.WriteAllTextAsync(Path.Combine(ArtifactsDir, "router-ruleset.nft"), ruleset.Stdout + ruleset.Stderr);
        });

        foreach (var server in _servers)
        {
            await Try("server", () => server.DisposeAsync().AsTask());
        }

        foreach (var process in _nsProcesses)
        {
            await Try(process.Name, () => process.StopAsync(kill: true));
        }

        await Try("web", StopWebAsync);
        await Try("agent", () => StopAgentAsync());
        await Try("lab.sh down", async () =>
        {
            var down = await RunAsync("bash", [LabScript, "down", _prefix], TimeSpan.FromSeconds(30));
            if (!down.Succeeded)
            {
                throw new InvalidOperationException(down.ToString());
            }
        });
        await Try("state dir", () =>
        {
            if (Directory.Exists(_stateDir))
            {
                Directory.Delete(_stateDir, recursive: true);
            }

            return Task.CompletedTask;
        });

        if (errors.Count > 0 && Directory.Exists(ArtifactsDir))
        {
            await File.WriteAllLinesAsync(Path.Combine(ArtifactsDir, "dispose-errors.log"), errors);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

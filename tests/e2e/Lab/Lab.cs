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

    // ---- processes -------------------------------------------------------------------------------------

    public async Task StartAgentAsync()
    {
        if (_agent is not null)
        {
            throw new InvalidOperationException("The agent is already running.");
        }

        var agentCommand = AgentCommand();
        var environment = new Dictionary<string, string>
        {
            ["Agent__SocketPath"] = AgentSocketPath,
            ["Agent__StateDir"] = AgentStateDir,
            ["Agent__AllowedUids__0"] = "0",
            // The lab's own folder (0755, under /tmp): dnsmasq re-reads its files as its own user.
            ["Agent__DnsmasqDir"] = DnsmasqDir,
            // The agent's dhcpcd files (when a test makes it bring the WAN up), inside the lab's folder.
            ["Agent__WanDir"] = WanDir,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (key, value) in _agentEnvironment)
        {
            environment[key] = value;
        }

        _agent = LabProcess.Start("agent", "ip", ["netns", "exec", RouterNs, .. agentCommand], environment, _stateDir,
            Path.Combine(ArtifactsDir, "agent.log"));
        await WaitUntilAsync(TimeSpan.FromSeconds(60), _agent, AgentAnswersHelloAsync, "the agent to answer hello on its socket");
    }

    /// <summary>
    /// The agent as a router runs it: the NativeAOT binary test.sh publishes. GATEWAY_E2E_AGENT=dll runs the JIT build
    /// instead (a quicker loop while editing the agent); without either the lab fails rather than guess.
    /// </summary>
    private string[] AgentCommand()
    {
        if (Environment.GetEnvironmentVariable("GATEWAY_E2E_AGENT") == "dll")
        {
            var dll = Path.Combine(RepoRoot.Path, "src", "Agent", "bin", "Release", "net10.0", "Gateway.Agent.dll");
            RequireFile(dll);
            return [_dotnet, dll];
        }

        var binary = Path.Combine(RepoRoot.Path, "artifacts", "publish", "agent", "Gateway.Agent");
        if (!File.Exists(binary))
        {
            throw new FileNotFoundException(
                $"{binary} is missing: publish the NativeAOT agent first (test.sh does: dotnet publish src/Agent -c Release " +
                "-r linux-x64 -o artifacts/publish/agent), or set GATEWAY_E2E_AGENT=dll to run the JIT build.", binary);
        }

        return [binary];
    }

    public async Task StopAgentAsync(bool kill = false)
    {
        if (_agent is { } agent)
        {
            _agent = null;
            await agent.StopAsync(kill);
        }
    }

    public async Task StartWebAsync()
    {
        if (_web is not null)
        {
            throw new InvalidOperationException("The web is already running.");
        }

        var dll = Path.Combine(RepoRoot.Path, "src", "Web", "bin", "Release", "net10.0", "Gateway.Web.dll");
        RequireFile(dll);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Gateway"] = $"Data Source={DatabasePath}",
            ["Agent__SocketPath"] = AgentSocketPath,
            ["ASPNETCORE_URLS"] = WebInRouterNamespace ? $"http://0.0.0.0:{WebPort}" : WebUrl,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            // The panel applies risky writes on trial (commit-confirmed). A lab outlives one test, so a window of
            // the default 60 s would undo an earlier test's change under a later one: the commit-confirmed tests
            // choose their own window, every other lab gets one no test outlasts.
            ["Apply__ConfirmSeconds"] = "3600",
        };
        foreach (var (key, value) in _webEnvironment)
        {
            environment[key] = value;
        }

        _web = WebInRouterNamespace
            ? LabProcess.Start("web", "ip", ["netns", "exec", RouterNs, _dotnet, dll], environment, _stateDir, Path.Combine(ArtifactsDir, "web.log"))
            : LabProcess.Start("web", _dotnet, [dll], environment, _stateDir, Path.Combine(ArtifactsDir, "web.log"));
        await WaitUntilAsync(TimeSpan.FromSeconds(90), _web, WebAnswersAsync, "the web to answer on " + WebUrl);
    }

    public async Task StopWebAsync()
    {
        if (_web is { } web)
        {
            _web = null;
            await web.StopAsync();
        }
    }

    public bool AgentRunning => _agent is { HasExited: false };

    public bool WebRunning => _web is { HasExited: false };

    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: build Gateway.sln -c Release first.", path);
        }
    }

    private static async Task WaitUntilAsync(TimeSpan timeout, LabProcess process, Func<Task<bool>> ready, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited while waiting for {what}. Log tail:\n{process.Tail()}");
            }

            if (await ready())
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}. Log tail:\n{process.Tail()}");
    }

    /// <summary>Ready means a real protocol exchange, not just a socket file (one may be left by a killed agent).</summary>
    private async Task<bool> AgentAnswersHelloAsync()
    {
        if (!File.Exists(AgentSocketPath))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(AgentSocketPath), cts.Token);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await Framing.WriteAsync(stream, AgentProtocol.Serialize(new HelloRequest(AgentProtocol.Version)), cts.Token);
            for (var i = 0; i < 16; i++)
            {
                var frame = await Framing.ReadAsync(stream, cts.Token);
                if (frame is null)
                {
                    return false;
                }

                if (AgentProtocol.DeserializeEvent(frame) is HelloReply)
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or InvalidDataException)
        {
            return false;
        }
    }

    private async Task<bool> WebAnswersAsync()
    {
        using var http = new HttpClient(CreateHandler(WebInRouterNamespace ? RouterNs : null)) { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync($"{WebUrl}/api/v1/setup");
            return (int)response.StatusCode < 500;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

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

    // ---- REST -------------------------------------------------------------------------------------------

    /// <summary>
    /// Completes setup over REST (LAN br-lan 192.168.50.1/24, WAN <paramref name="wanInterface"/> or the lab's
    /// WAN link), creates an API token, waits until the agent applied the first ruleset, and returns a
    /// client with the token and the web's base address. <paramref name="setupClient"/> sends the setup
    /// request itself (a client in a LAN host, <see cref="CreateClientIn"/>); by default the test process does.
    /// </summary>
    public async Task<HttpClient> SetupAsync(bool masquerade = true, string? wanInterface = null, HttpClient? setupClient = null)
    {
        using var anonymous = new HttpClient(CreateHandler(WebInRouterNamespace ? RouterNs : null)) { BaseAddress = new Uri(WebUrl) };
        using (var setup = await (setupClient ?? anonymous).PostAsJsonAsync("/api/v1/setup", new
        {
            adminPassword = AdminPassword,
            wanInterface = wanInterface ?? WanInterface,
            lanInterface = LanInterface,
            lanAddress = LanCidr,
            masquerade,
        }))
        {
            await ApiExtensions.ExpectStatusAsync(setup, HttpStatusCode.Created, "POST /api/v1/setup");
        }

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens")
        {
            Content = JsonContent.Create(new { name = "e2e" }),
        };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AdminPassword}")));
        using var tokenResponse = await anonymous.SendAsync(tokenRequest);
        await ApiExtensions.ExpectStatusAsync(tokenResponse, HttpStatusCode.Created, "POST /api/v1/tokens");
        var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>())?["token"]?.GetValue<string>()
            ?? throw new InvalidOperationException("POST /api/v1/tokens returned no token.");

        var api = CreateClient(token);
        await WaitAppliedAsync(api);
        return api;
    }

    /// <summary>A client for the web with the given bearer token (disposed with the lab).</summary>
    public HttpClient CreateClient(string? token = null) =>
        Track(new HttpClient(CreateHandler(WebInRouterNamespace ? RouterNs : null))
        {
            BaseAddress = new Uri(WebUrl),
            Timeout = TimeSpan.FromSeconds(30),
        }, token);

    /// <summary>
    /// A client whose connections start in lab host <paramref name="ns"/> and go to the web at
    /// <paramref name="routerIp"/> (only with <see cref="LabOptions.WebInRouterNamespace"/>): the web sees that
    /// host's address and the router's firewall sees its packets.
    /// </summary>
    public HttpClient CreateClientIn(string ns, string routerIp, TimeSpan? timeout = null, string? token = null)
    {
        if (!WebInRouterNamespace)
        {
            throw new InvalidOperationException("Lab hosts reach the web only when it runs in the router namespace.");
        }

        return Track(new HttpClient(CreateHandler(ns))
        {
            BaseAddress = new Uri($"http://{routerIp}:{WebPort}"),
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        }, token);
    }

    /// <summary>A handler whose sockets are made in <paramref name="ns"/> (null: the test process's own namespace).</summary>
    private static SocketsHttpHandler CreateHandler(string? ns)
    {
        var handler = new SocketsHttpHandler();
        if (ns is not null)
        {
            handler.ConnectCallback = async (context, ct) =>
            {
                var socket = NetNs.CreateSocket(ns, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }

    private HttpClient Track(HttpClient client, string? token)
    {
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Waits until the agent is connected and has applied the newest revision.</summary>
    public async Task WaitAppliedAsync(HttpClient api, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var clock = Stopwatch.StartNew();
        JsonObject? status = null;
        while (clock.Elapsed < limit)
        {
            status = await api.GetJsonAsync("/api/v1/status");
            if (status["agentConnected"]?.GetValue<bool>() == true
                && status["appliedRevision"]?.GetValue<long>() == status["desiredRevision"]?.GetValue<long>())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(
            $"The agent did not apply the newest revision within {limit.TotalSeconds:0}s: lastApplyError = " +
            $"{status?["lastApplyError"]?.ToJsonString() ?? "?"}; status = {status?.ToJsonString()}");
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

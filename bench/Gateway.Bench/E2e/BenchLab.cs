using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Gateway.Bench.E2e;

/// <summary>
/// A lab of the kind run.sh builds (scripts/lab.sh with a prefix of its own), the agent in the router namespace,
/// the web on a free loopback port with a fresh database, set up over REST with an API token. Disposing stops
/// both and removes the namespaces.
/// </summary>
internal sealed class BenchLab : IAsyncDisposable
{
    public const string LanCidr = "192.168.50.1/24";
    private const string Password = "bench-password-123";

    private readonly List<Process> _processes = [];
    private readonly string _prefix = "gwb" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    private BenchLab(string root, string agent, WebVariant? web)
    {
        Root = root;
        AgentCommand = agent;
        Web = web ?? WebVariant.Default(root);
        StateDir = Path.Combine(Path.GetTempPath(), $"gateway-bench-{_prefix}");
        LogDir = Path.Combine(root, "artifacts", "bench", _prefix);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
    }

    public string Root { get; }

    public string AgentCommand { get; }

    /// <summary>How the web runs: its dll and the runtime settings (environment) it gets.</summary>
    public WebVariant Web { get; }

    public string StateDir { get; }

    public string LogDir { get; }

    public string Url { get; }

    public string RouterNs => $"{_prefix}-router";

    /// <summary>The first LAN host (scripts/lab.sh: 192.168.50.10, MAC 02:50:00:00:00:0a).</summary>
    public string Lan1Ns => $"{_prefix}-lan1";

    /// <summary>The WAN host (203.0.113.2).</summary>
    public string WanNs => $"{_prefix}-wan";

    public int AgentPid { get; private set; }

    public int WebPid { get; private set; }

    public string Token { get; private set; } = "";

    public HttpClient Api { get; private set; } = new();

    /// <summary>The agent to run: the NativeAOT binary if published (or <paramref name="choice"/> "aot"), else the JIT dll.</summary>
    public static string ResolveAgent(string root, string? choice)
    {
        var aot = Path.Combine(root, "artifacts", "publish", "agent", "Gateway.Agent");
        var jit = Path.Combine(root, "src", "Agent", "bin", "Release", "net10.0", "Gateway.Agent.dll");
        var path = choice switch
        {
            "aot" => aot,
            "jit" => jit,
            null => File.Exists(aot) ? aot : jit,
            _ => choice,
        };
        return File.Exists(path) ? path : throw new FileNotFoundException($"agent {path} is missing (bench/run.sh builds it)");
    }

    public static async Task<BenchLab> StartAsync(string root, string agent, WebVariant? web = null)
    {
        var lab = new BenchLab(root, agent, web);
        try
        {
            await lab.UpAsync();
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task UpAsync()
    {
        Directory.CreateDirectory(StateDir);
        Directory.CreateDirectory(LogDir);
        Shell.Run("bash", Path.Combine(Root, "scripts", "lab.sh"), "up", _prefix, "wan0");
        var socket = Path.Combine(StateDir, "agent.sock");
        var agentState = Path.Combine(StateDir, "agent");
        Directory.CreateDirectory(agentState);
        var env = new Dictionary<string, string>
        {
            ["Agent__SocketPath"] = socket,
            ["Agent__StateDir"] = agentState,
            // The daemons' folders default to /var/lib/gateway: a bench must leave the host as it found it.
            ["Agent__DnsmasqDir"] = Path.Combine(StateDir, "dnsmasq"),
            ["Agent__WanDir"] = Path.Combine(StateDir, "wan"),
            ["Agent__AllowedUids__0"] = "0",
        };
        string[] agentArgs = AgentCommand.EndsWith(".dll", StringComparison.Ordinal)
            ? ["netns", "exec", RouterNs, "dotnet", AgentCommand]
            : ["netns", "exec", RouterNs, AgentCommand];
        AgentPid = Start("agent", "ip", agentArgs, env);
        for (var i = 0; i < 300 && !File.Exists(socket); i++)
        {
            await Task.Delay(100);
        }

        var webEnv = new Dictionary<string, string>(Web.Env)
        {
            ["ConnectionStrings__Gateway"] = $"Data Source={Path.Combine(StateDir, "gateway.db")}",
            ["Agent__SocketPath"] = socket,
            ["ASPNETCORE_URLS"] = Url,
        };
        // A self-contained publish is started through its apphost (no .dll), as the package's unit does.
        WebPid = Web.Dll.EndsWith(".dll", StringComparison.Ordinal) ? Start("web", "dotnet", [Web.Dll], webEnv) : Start("web", Web.Dll, [], webEnv);

        using var anonymous = new HttpClient { BaseAddress = new Uri(Url) };
        for (var i = 0; ; i++)
        {
            try
            {
                using var probe = await anonymous.GetAsync("/api/v1/setup");
                break;
            }
            catch (HttpRequestException) when (i < 300)
            {
                await Task.Delay(100);
            }
        }

        using (var setup = await anonymous.PostAsJsonAsync("/api/v1/setup", new
        {
            adminPassword = Password,
            wanInterface = "wan0",
            lanInterface = "br-lan",
            lanAddress = LanCidr,
            masquerade = true,
        }))
        {
            Expect(setup, HttpStatusCode.Created, "POST /api/v1/setup");
        }

        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens") { Content = JsonContent.Create(new { name = "bench" }) };
        tokenRequest.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
        using var tokenResponse = await anonymous.SendAsync(tokenRequest);
        Expect(tokenResponse, HttpStatusCode.Created, "POST /api/v1/tokens");
        Token = (await tokenResponse.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        Api = CreateClient();
        await WaitAppliedAsync(await DesiredRevisionAsync(), TimeSpan.FromSeconds(30));
    }

    /// <summary>A client with the bearer token and its own connection pool.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 4 })
    {
        BaseAddress = new Uri(Url),
        Timeout = TimeSpan.FromMinutes(5),
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Token) },
    };

    public async Task<long> DesiredRevisionAsync() =>
        (await Api.GetFromJsonAsync<JsonObject>("/api/v1/status"))!["desiredRevision"]!.GetValue<long>();

    /// <summary>Polls GET /api/v1/status (every <paramref name="pollMs"/> ms) until the applied revision reaches <paramref name="revision"/>.</summary>
    public async Task WaitAppliedAsync(long revision, TimeSpan timeout, int pollMs = 5)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = (await Api.GetFromJsonAsync<JsonObject>("/api/v1/status"))!;
            if (status["appliedRevision"]?.GetValue<long?>() is { } applied && applied >= revision)
            {
                return;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"revision {revision} not applied in {timeout.TotalSeconds:F0} s: {status.ToJsonString()}");
            }

            await Task.Delay(pollMs);
        }
    }

    public static void Expect(HttpResponseMessage response, HttpStatusCode status, string what)
    {
        if (response.StatusCode != status)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().Result}");
        }
    }

    private int Start(string name, string file, IEnumerable<string> args, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = StateDir,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var log = new StreamWriter(Path.Combine(LogDir, name + ".log")) { AutoFlush = true };
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add(process);
        return process.Id;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                Shell.Run("kill", "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        foreach (var process in _processes)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }

        try
        {
            Shell.Run("bash", Path.Combine(Root, "scripts", "lab.sh"), "down", _prefix);
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
        }

        Directory.Delete(StateDir, recursive: true);
    }
}

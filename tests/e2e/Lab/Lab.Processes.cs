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

/// <summary>The lab's agent and web processes: start, stop, and wait until each really answers.</summary>
public sealed partial class Lab
{
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
}

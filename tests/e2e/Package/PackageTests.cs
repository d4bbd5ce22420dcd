using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Tests.E2e.Lab;

namespace Gateway.Tests.E2e.Package;

/// <summary>
/// The Debian package on this machine: lintian, then a real install, both services started the way their units
/// say (user, group, capability bounding set, umask, runtime folder, notify socket, port 80 handed over as a
/// socket), setup and a forward carrying a packet, console recovery, then remove and purge leaving nothing behind.
/// systemd itself doesn't run here (no PID 1 systemd in a test box), so the test plays its part from the unit files.
/// </summary>
[Collection(RunsAlone.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class PackageTests
{
    private const string AdminPassword = "correct-horse-battery";
    private const string NewPassword = "reset at the console";
    private const string UnitFolder = "/lib/systemd/system";
    private static readonly string[] Units = ["gateway-agent.service", "gateway-web.service", "gateway-web.socket"];

    [Fact]
    public async Task Lintian_reports_no_errors_and_no_warnings()
    {
        var deb = await DebianPackage.PathAsync();

        // --fail-on warning: an error or a warning fails; overrides (each explained) are honoured.
        var lintian = await HostCommand.RunAsync("lintian", ["--fail-on", "error,warning", "--no-tag-display-limit", deb],
            timeout: TimeSpan.FromMinutes(10));

        Assert.True(lintian.Succeeded, lintian.ToString());
        Assert.DoesNotContain("E: ", lintian.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Installed_it_runs_as_its_units_say_recovers_a_password_and_purges_to_nothing()
    {
        var deb = await DebianPackage.PathAsync();
        var artifacts = Path.Combine(RepoRoot.Path, "artifacts", "e2e", "package");
        Directory.CreateDirectory(artifacts);
        await PurgeAsync(); // a previous run that died half-way
        var before = await FootprintAsync();
        var prefix = "gw" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        LabProcess? agent = null;
        LabProcess? web = null;
        try
        {
            // ---- install, as the README says -------------------------------------------------------------
            var install = await AptAsync("install", "-y", "--no-install-recommends", deb);
            Assert.True(install.Succeeded, install.ToString());

            var files = (await HostCommand.RunAsync("dpkg", ["-L", "gateway"])).Stdout.Split('\n');
            Assert.Contains("/usr/lib/gateway/agent/Gateway.Agent", files);
            Assert.DoesNotContain(files, f => f.EndsWith("Gateway.Agent.dll", StringComparison.Ordinal));
            Assert.Equal("\u007fELF", Encoding.ASCII.GetString(File.ReadAllBytes("/usr/lib/gateway/agent/Gateway.Agent")[..4]));
            var conffiles = (await HostCommand.RunAsync("dpkg-query", ["-W", "-f=${Conffiles}", "gateway"])).Stdout;
            Assert.Contains("/etc/gateway/appsettings.json", conffiles, StringComparison.Ordinal);
            var user = (await HostCommand.RunAsync("getent", ["passwd", "gateway"])).Stdout.Trim().Split(':');
            Assert.True(int.Parse(user[2], System.Globalization.CultureInfo.InvariantCulture) < 1000, "gateway is a system user");
            Assert.EndsWith("nologin", user[6], StringComparison.Ordinal);
            Assert.Equal("gateway:gateway 750", (await HostCommand.RunAsync("stat", ["-c", "%U:%G %a", "/var/lib/gateway/web"])).Stdout.Trim());
            Assert.Equal("root:root 700", (await HostCommand.RunAsync("stat", ["-c", "%U:%G %a", "/var/lib/gateway/agent"])).Stdout.Trim());

            var verify = await HostCommand.RunAsync("systemd-analyze", ["verify", .. Units.Select(u => Path.Combine(UnitFolder, u))]);
            Assert.True(verify.Succeeded && verify.Stderr.Trim().Length == 0, "systemd-analyze verify: " + verify);

            // ---- both services as systemd would start them ----------------------------------------------------
            var up = await HostCommand.RunAsync("bash", [Path.Combine(RepoRoot.Path, "scripts", "lab.sh"), "up", prefix, "wan0"]);
            Assert.True(up.Succeeded, up.ToString());
            var router = $"{prefix}-router";
            var agentUnit = UnitFile.Load(Path.Combine(UnitFolder, "gateway-agent.service"));
            var webUnit = UnitFile.Load(Path.Combine(UnitFolder, "gateway-web.service"));
            var socketUnit = UnitFile.Load(Path.Combine(UnitFolder, "gateway-web.socket"));
            Assert.Equal("notify", agentUnit.Get("Service", "Type"));
            Assert.Equal("notify", webUnit.Get("Service", "Type"));
            Assert.Equal("", webUnit.Get("Service", "CapabilityBoundingSet"));

            // RuntimeDirectory=gateway, RuntimeDirectoryMode, owned by the agent's User:Group.
            var runtime = await HostCommand.BashAsync(
                $"install -d -m {agentUnit.Get("Service", "RuntimeDirectoryMode")} -o root -g {agentUnit.Get("Service", "Group")} /run/{agentUnit.Get("Service", "RuntimeDirectory")}");
            Assert.True(runtime.Succeeded, runtime.ToString());

            using var agentNotify = new NotifySocket("agent");
            using var webNotify = new NotifySocket("web");
            using var systemd = new ServiceManagerStandIn();
            agent = LabProcess.Start("agent", "ip",
            [
                "netns", "exec", router, systemd.Path, "setpriv", "--reuid=0", $"--regid={agentUnit.Get("Service", "Group")}", "--clear-groups",
                $"--bounding-set={agentUnit.SetprivBoundingSet()}", "--no-new-privs", "--",
                "env", $"NOTIFY_SOCKET={agentNotify.Path}", "sh", "-c", $"umask {agentUnit.Get("Service", "UMask")}; exec \"$0\"",
                agentUnit.Get("Service", "ExecStart")!,
            ], new Dictionary<string, string>(), "/", Path.Combine(artifacts, "agent.log"));
            Assert.True(await agentNotify.WaitForAsync("READY=1", TimeSpan.FromSeconds(90)), "agent READY=1\n" + agent.Tail());
            Assert.Equal("root:gateway 660", (await HostCommand.RunAsync("stat", ["-c", "%U:%G %a", "/run/gateway/agent.sock"])).Stdout.Trim());

            // gateway-web.socket: port 80 bound by root (as systemd), handed to the web on its first connection.
            var port = socketUnit.Get("Socket", "ListenStream")!;
            var environment = webUnit.Words("Service", "Environment").SelectMany(e => new[] { "-E", e });
            web = LabProcess.Start("web", "ip",
            [
                "netns", "exec", router, "systemd-socket-activate", "-l", port, "-E", $"NOTIFY_SOCKET={webNotify.Path}", .. environment,
                systemd.Path, "setpriv", $"--reuid={webUnit.Get("Service", "User")}", $"--regid={webUnit.Get("Service", "Group")}", "--init-groups",
                $"--bounding-set={webUnit.SetprivBoundingSet()}", "--inh-caps=-all", "--no-new-privs", "--",
                // systemd names the service's main process in LISTEN_PID; here that is the process the shell becomes.
                "sh", "-c", $"export LISTEN_PID=$$; umask {webUnit.Get("Service", "UMask")}; cd {webUnit.Get("Service", "WorkingDirectory")} && exec \"$0\"",
                webUnit.Get("Service", "ExecStart")!,
            ], new Dictionary<string, string>(), "/", Path.Combine(artifacts, "web.log"));

            // ---- setup from a LAN host on port 80, a forward, a packet ------------------------------------------
            using var lan = ClientIn($"{prefix}-lan1", $"http://{Lab.Lab.RouterLanIp}:{port}", TimeSpan.FromMinutes(2));
            await UntilListeningAsync(lan, web);
            using (var setup = await lan.PostAsJsonAsync("/api/v1/setup", new
            {
                adminPassword = AdminPassword,
                wanInterface = "wan0",
                lanInterface = "br-lan",
                lanAddress = Lab.Lab.LanCidr,
                masquerade = true,
            }))
            {
                Assert.True(setup.StatusCode == HttpStatusCode.Created, $"setup: {setup.StatusCode} {await setup.Content.ReadAsStringAsync()}\n{web.Tail()}");
            }

            Assert.True(await webNotify.WaitForAsync("READY=1", TimeSpan.FromSeconds(30)), "web READY=1\n" + web.Tail());
            var token = await CreateTokenAsync(lan);
            lan.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using (var forward = await lan.PostAsJsonAsync("/api/v1/port-forwards", new
            {
                name = "package",
                protocol = "tcp",
                externalPort = 8080,
                internalAddress = Lab.Lab.Lan1Ip,
            }))
            {
                Assert.Equal(HttpStatusCode.Created, forward.StatusCode);
            }

            Assert.True(await Eventually.TrueAsync(async () =>
            {
                var status = await lan.GetFromJsonAsync<JsonObject>("/api/v1/status");
                return status?["agentConnected"]?.GetValue<bool>() == true
                    && status["appliedRevision"]?.GetValue<long>() == status["desiredRevision"]?.GetValue<long>();
            }, TimeSpan.FromSeconds(30)), "the agent applied the forward\n" + agent.Tail() + "\n" + web.Tail());
            await using (TcpEchoServer.Start($"{prefix}-lan1", 8080, "lan1"))
            {
                Assert.Equal("lan1", await Lab.Lab.TcpExchangeAsync($"{prefix}-wan", Lab.Lab.RouterWanIp, 8080));
            }

            // ---- console recovery -----------------------------------------------------------------------
            var nobody = await HostCommand.RunAsync("setpriv",
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/sbin/gateway-web", "reset-password"], NewPassword + "\n");
            Assert.Equal(1, nobody.ExitCode);
            Assert.Contains("run this as root", nobody.Stderr, StringComparison.Ordinal);
            var direct = await HostCommand.RunAsync("setpriv",
                ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/lib/gateway/web/Gateway.Web", "reset-password"], NewPassword + "\n");
            Assert.Equal(1, direct.ExitCode);
            Assert.Contains("permission denied", direct.Stderr, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Created, await BasicTokenStatusAsync(lan, AdminPassword));

            var reset = await HostCommand.RunAsync("/usr/sbin/gateway-web", ["reset-password"], NewPassword + "\n");
            Assert.True(reset.Succeeded, reset.ToString());
            Assert.Equal(HttpStatusCode.Unauthorized, await BasicTokenStatusAsync(lan, AdminPassword));
            Assert.Equal(HttpStatusCode.Created, await BasicTokenStatusAsync(lan, NewPassword));
            Assert.Equal(HttpStatusCode.OK, (await lan.GetAsync("/api/v1/status")).StatusCode); // the token is kept
            // Everything in the web's state folder still belongs to the service user (the command ran as gateway).
            var owners = await HostCommand.BashAsync("find /var/lib/gateway/web ! -user gateway");
            Assert.Equal("", owners.Stdout.Trim());

            await web.StopAsync();
            web = null;
            await agent.StopAsync();
            agent = null;

            // ---- remove keeps the state, purge takes everything the package made ------------------------------
            var remove = await AptAsync("remove", "-y", "gateway");
            Assert.True(remove.Succeeded, remove.ToString());
            Assert.True(File.Exists("/var/lib/gateway/web/gateway.db"), "apt remove keeps the database");
            Assert.False(File.Exists("/usr/lib/gateway/agent/Gateway.Agent"));

            const string OwnerFile = "/etc/gateway/owner-notes.txt";
            await File.WriteAllTextAsync(OwnerFile, "the owner's own file\n");
            var purge = await AptAsync("purge", "-y", "gateway");
            Assert.True(purge.Succeeded, purge.ToString());
            var after = await FootprintAsync();
            // Only the owner's file is left, and the folder holding it (dpkg leaves a folder that isn't empty).
            Assert.Equal(before.Append("/etc/gateway").Order(StringComparer.Ordinal), after.Order(StringComparer.Ordinal));
            Assert.Equal(new[] { OwnerFile }, Directory.GetFiles("/etc/gateway"));
            Assert.False((await HostCommand.RunAsync("getent", ["passwd", "gateway"])).Succeeded, "purge removes the user");
            Assert.False((await HostCommand.RunAsync("getent", ["group", "gateway"])).Succeeded, "purge removes the group");
        }
        finally
        {
            if (web is not null)
            {
                await web.StopAsync(kill: true);
            }

            if (agent is not null)
            {
                await agent.StopAsync(kill: true);
            }

            await HostCommand.RunAsync("bash", [Path.Combine(RepoRoot.Path, "scripts", "lab.sh"), "down", prefix]);
            await PurgeAsync();
            await HostCommand.BashAsync("rm -f /etc/gateway/owner-notes.txt; rmdir /etc/gateway 2>/dev/null; rm -rf /run/gateway");
        }
    }

    /// <summary>
    /// Every path on the system whose name says gateway, outside this checkout, temp and pseudo file systems, plus
    /// the user and group entries: what an install adds and a purge must take away again. Left out: apt's and
    /// man's caches (man keeps a formatted copy of a page someone read, as systemd-analyze verify does; man-db's
    /// daily job expires it) and lab namespaces.
    /// </summary>
    private static async Task<IReadOnlyList<string>> FootprintAsync()
    {
        var found = await HostCommand.BashAsync(
            "find /etc /usr /lib /var /run /opt /srv -xdev \\( -path /var/tmp -o -path /run/netns -o -path /var/cache/apt -o -path /var/cache/man \\) -prune "
            + "-o -iname '*gateway*' -print 2>/dev/null; getent passwd gateway; getent group gateway; true");
        return [.. found.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith(RepoRoot.Path, StringComparison.Ordinal))];
    }

    private static Task<CommandResult> AptAsync(params string[] arguments) =>
        HostCommand.RunAsync("apt-get", ["-o", "DPkg::Lock::Timeout=600", "-q", .. arguments], timeout: TimeSpan.FromMinutes(12),
            environment: new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" });

    private static async Task PurgeAsync()
    {
        if ((await HostCommand.RunAsync("dpkg-query", ["-W", "-f=${db:Status-Status}", "gateway"])).Stdout.Trim() is { Length: > 0 } state
            && state != "not-installed")
        {
            await AptAsync("purge", "-y", "gateway");
        }
    }

    /// <summary>
    /// systemd binds the socket before it starts anything; here systemd-socket-activate binds it a moment after its
    /// process starts, so the first request waits for the port rather than meeting a refused connection.
    /// </summary>
    private static async Task UntilListeningAsync(HttpClient client, LabProcess web)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = await client.GetAsync("/api/v1/setup");
                return;
            }
            catch (HttpRequestException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            catch (HttpRequestException ex)
            {
                throw new InvalidOperationException("port 80 never accepted a connection\n" + web.Tail(), ex);
            }
        }
    }

    private static HttpClient ClientIn(string ns, string baseAddress, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
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
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri(baseAddress), Timeout = timeout };
    }

    private static async Task<string> CreateTokenAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens") { Content = JsonContent.Create(new { name = "package" }) };
        request.Headers.Authorization = Basic(AdminPassword);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
    }

    /// <summary>HTTP Basic is how scripts trade the password for a token (POST /api/v1/tokens): 201, or 401 for a wrong one.</summary>
    private static async Task<HttpStatusCode> BasicTokenStatusAsync(HttpClient client, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tokens") { Content = JsonContent.Create(new { name = "check" }) };
        request.Headers.Authorization = Basic(password);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static AuthenticationHeaderValue Basic(string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
}

using System.Net;
using System.Net.WebSockets;
using System.Text;
using Gateway.Web.Auth;

namespace Gateway.Tests.Unit.Api;

/// <summary>Findings of the security review about resource exhaustion, against the web on real Kestrel.</summary>
public sealed class SecurityLimitsTests
{
    [Fact]
    public async Task A_one_mebibyte_anonymous_login_post_is_413_before_the_body_is_read()
    {
        await using var app = new SecurityHttpApplication();
        await app.CompleteSetupAsync();

        // Announced with Content-Length: refused on the headers alone; only 1 KiB of the 1 MiB is ever sent.
        var announced = await RawPostAsync(app, "Content-Length: 1048576", Encoding.ASCII.GetBytes("password=" + new string('a', 1015)));
        Assert.StartsWith("HTTP/1.1 413 ", announced, StringComparison.Ordinal);

        // Chunked: no length up front, so the limit stops the read itself — the server answers after 112 KiB of
        // the claimed 1 MiB, without waiting for (or holding) the rest. Sixteen fields of 7,000 bytes keep within
        // the form's own field limits (8 KiB a value, 16 values), so only the body limit can refuse it, however
        // the bytes arrive.
        var fields = Enumerable.Range(0, 16).Select(i => $"f{i}=" + new string('a', 7000));
        var chunk = Encoding.ASCII.GetBytes(string.Join('&', fields));
        var chunked = await RawPostAsync(app, "Transfer-Encoding: chunked", [.. Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n"), .. chunk, .. "\r\n"u8]);
        Assert.StartsWith("HTTP/1.1 413 ", chunked, StringComparison.Ordinal);

        using var client = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/login")).StatusCode);
    }

    [Fact]
    public async Task A_login_form_with_a_value_over_the_field_limit_is_400_naming_the_form_limits()
    {
        await using var app = new SecurityHttpApplication();
        await app.CompleteSetupAsync();

        // 9 KiB in one value: under the body limit, over the form's 8 KiB a value.
        var body = Encoding.ASCII.GetBytes("password=" + new string('a', 9 * 1024));
        var answer = await RawPostAsync(app, $"Content-Length: {body.Length}\r\nConnection: close", body, readAll: true);
        Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
        Assert.Contains(AntiforgeryCheck.FormLimitMessage.TrimEnd(), answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_100_KiB_setup_body_is_413_and_setup_stays_undone()
    {
        await using var app = new SecurityHttpApplication();
        using var client = app.CreateApiClient();
        var setup = System.Text.Json.JsonSerializer.Serialize(GatewayApplication.ValidSetup) + new string(' ', 100 * 1024);

        // Announced with Content-Length, and chunked (no length up front: the read itself stops at the limit). Raw
        // sockets: the server answers before the client has sent it all, which HttpClient reports as a reset.
        var bytes = Encoding.UTF8.GetBytes(setup);
        var announced = await RawPostAsync(app, $"Content-Length: {bytes.Length}", bytes, "/api/v1/setup", "application/json");
        Assert.StartsWith("HTTP/1.1 413 ", announced, StringComparison.Ordinal);
        var chunked = await RawPostAsync(app, "Transfer-Encoding: chunked", [.. Encoding.ASCII.GetBytes($"{bytes.Length:x}\r\n"), .. bytes, .. "\r\n0\r\n\r\n"u8], "/api/v1/setup", "application/json");
        Assert.StartsWith("HTTP/1.1 413 ", chunked, StringComparison.Ordinal);

        Assert.Contains("\"completed\":false", await client.GetStringAsync("/api/v1/setup"), StringComparison.Ordinal);
        await app.CompleteSetupAsync();
    }

    [Fact]
    public async Task A_signed_in_config_restore_may_still_be_large()
    {
        await using var app = new SecurityHttpApplication();
        await app.CompleteSetupAsync();
        var token = await app.CreateTokenAsync();

        // PUT /config with a token reads up to 16 MiB: a config padded to 2 MiB is read and applied, not refused.
        using var client = app.CreateClientWithToken(token);
        var config = await client.GetStringAsync("/api/v1/config");
        using var padded = new StringContent(config + new string(' ', 2 * 1024 * 1024), Encoding.UTF8, "application/json");
        var restored = await client.PutAsync("/api/v1/config", padded);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
    }

    [Fact]
    public async Task After_setup_an_anonymous_client_gets_no_panel_circuit()
    {
        await using var app = new SecurityHttpApplication();
        await app.CompleteSetupAsync();

        using var client = app.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null)).StatusCode);
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(app, cookie: null));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);

        // A signed-in browser still gets one.
        var cookie = await BrowserLogin.CookieAsync(app, GatewayApplication.Password);
        using var socket = await ConnectAsync(app, cookie);
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task WebSockets_beyond_the_cap_are_refused_and_a_closed_one_frees_its_place()
    {
        // Before setup the setup page is interactive, so loopback may open circuits without a cookie: the cap is what stops a flood.
        await using var app = new SecurityHttpApplication(new Dictionary<string, string> { ["Security:MaxCircuitConnections"] = "3" });
        var open = new List<ClientWebSocket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                open.Add(await ConnectAsync(app, cookie: null));
            }

            for (var i = 0; i < 5; i++)
            {
                var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(app, cookie: null));
                Assert.Contains("503", refused.Message, StringComparison.Ordinal);
            }

            await open[0].CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            open[0].Dispose();
            open.RemoveAt(0);
            open.Add(await EventuallyConnectAsync(app));
        }
        finally
        {
            foreach (var socket in open)
            {
                socket.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_websocket_that_starts_no_circuit_is_closed_by_the_server()
    {
        await using var app = new SecurityHttpApplication();
        using var socket = await ConnectAsync(app, cookie: null);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // hang guard, well above the 10 s grace
        await socket.SendAsync("{\"protocol\":\"blazorpack\",\"version\":1}\u001e"u8.ToArray(), WebSocketMessageType.Text, true, guard.Token);

        // The handshake is answered, pings may follow; without StartCircuit the server ends the connection.
        var buffer = new byte[4096];
        var closedByServer = false;
        try
        {
            while (!closedByServer)
            {
                closedByServer = (await socket.ReceiveAsync(buffer, guard.Token)).MessageType == WebSocketMessageType.Close;
            }
        }
        catch (WebSocketException)
        {
            closedByServer = true; // aborted without a close frame
        }

        Assert.True(closedByServer);
        Assert.False(guard.IsCancellationRequested);
    }

    /// <summary>POST /account/login over a raw socket: headers, then <paramref name="body"/>; returns the status line.</summary>
    private static async Task<string> RawPostAsync(SecurityHttpApplication app, string lengthHeader, byte[] body,
        string path = "/account/login", string contentType = "application/x-www-form-urlencoded", bool readAll = false)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(app.BaseAddress.Host, app.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {app.BaseAddress.Authority}\r\n"
            + $"Content-Type: {contentType}\r\n{lengthHeader}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        try
        {
            await stream.WriteAsync(body);
        }
        catch (IOException)
        {
            // The server may already have answered and closed: its answer is still in our receive buffer.
        }

        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return readAll ? await reader.ReadToEndAsync(timeout.Token) : await reader.ReadLineAsync(timeout.Token) ?? "";
    }

    private static async Task<ClientWebSocket> ConnectAsync(SecurityHttpApplication app, string? cookie)
    {
        var socket = new ClientWebSocket();
        if (cookie is not null)
        {
            socket.Options.SetRequestHeader("Cookie", cookie);
        }

        var uri = new UriBuilder(app.BaseAddress) { Scheme = "ws", Path = "/_blazor" }.Uri;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await socket.ConnectAsync(uri, timeout.Token);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The server notices the close asynchronously: retry until the freed place is seen (20 s hang guard).</summary>
    private static async Task<ClientWebSocket> EventuallyConnectAsync(SecurityHttpApplication app)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                return await ConnectAsync(app, cookie: null);
            }
            catch (WebSocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using Gateway.Tests.Unit.Api;
using Gateway.Web.Cli;

namespace Gateway.Tests.Unit.Web;

/// <summary>
/// <c>gateway-web reset-password</c> against the database of a running web (in-process here; the package test runs
/// the installed binary): the new password works, the old one doesn't, browsers are signed out, tokens stay unless asked.
/// </summary>
public sealed class CliResetPasswordTests : IAsyncLifetime
{
    private const string NewPassword = "reset from the console";

    private readonly ReadyGatewayApplication _app = new();

    public Task InitializeAsync() => _app.InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)_app).DisposeAsync();

    private string ConnectionString => $"Data Source={_app.DatabasePath}";

    [Fact]
    public async Task A_reset_changes_the_password_signs_the_browser_out_and_keeps_tokens()
    {
        var cookie = await BrowserLogin.CookieAsync(_app, GatewayApplication.Password);
        Assert.NotNull(cookie);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(c => c.DefaultRequestHeaders.Add("Cookie", cookie)));

        var (code, stdout, stderr) = await RunAsync(new ResetPasswordOptions(false, false, false), NewPassword);

        Assert.Equal(ResetPasswordCommand.Ok, code);
        Assert.Equal("", stdout); // the owner typed it: nothing to print
        Assert.Contains("kept", stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await BasicTokenStatusAsync(GatewayApplication.Password));
        Assert.Equal(HttpStatusCode.Created, await BasicTokenStatusAsync(NewPassword));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(c => c.DefaultRequestHeaders.Authorization = new("Bearer", _app.Token)));
        // The web learns the new stamp from the database, not from this process: the contract's bound is 15 s.
        Assert.True(await EventuallyAsync(async () =>
            await StatusAsync(c => c.DefaultRequestHeaders.Add("Cookie", cookie)) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(15)));
        Assert.Null(await BrowserLogin.CookieAsync(_app, GatewayApplication.Password));
        Assert.NotNull(await BrowserLogin.CookieAsync(_app, NewPassword));
    }

    [Fact]
    public async Task Revoke_tokens_deletes_every_token()
    {
        var (code, _, stderr) = await RunAsync(new ResetPasswordOptions(false, RevokeTokens: true, false), NewPassword);

        Assert.Equal(ResetPasswordCommand.Ok, code);
        Assert.Contains("1 API token(s) revoked", stderr, StringComparison.Ordinal);
        Assert.Equal(0, await _app.CountRowsAsync("ApiTokens"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(c => c.DefaultRequestHeaders.Authorization = new("Bearer", _app.Token)));
    }

    [Fact]
    public async Task A_token_in_constant_use_stops_working_within_15_s_of_a_console_revoke()
    {
        // A script using its token continuously: every answer comes from the web's token cache, never the database.
        using var script = _app.CreateClientWithToken(_app.Token);
        using var stop = new CancellationTokenSource();
        var answers = new System.Collections.Concurrent.ConcurrentQueue<(TimeSpan At, HttpStatusCode Status)>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var loop = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await script.GetAsync("/api/v1/status", CancellationToken.None);
                answers.Enqueue((clock.Elapsed, response.StatusCode));
                await Task.Delay(50, CancellationToken.None);
            }
        });

        Assert.True(await EventuallyAsync(() => Task.FromResult(answers.Count(a => a.Status == HttpStatusCode.OK) >= 5), TimeSpan.FromSeconds(15)));
        var revokedAt = clock.Elapsed;
        var (code, _, _) = await RunAsync(new ResetPasswordOptions(false, RevokeTokens: true, false), NewPassword);
        Assert.Equal(ResetPasswordCommand.Ok, code);

        var refused = await EventuallyAsync(() => Task.FromResult(answers.Any(a => a.At > revokedAt && a.Status == HttpStatusCode.Unauthorized)), TimeSpan.FromSeconds(15));
        var firstRefused = answers.FirstOrDefault(a => a.At > revokedAt && a.Status == HttpStatusCode.Unauthorized).At;
        await EventuallyAsync(() => Task.FromResult(answers.Count(a => a.At > firstRefused) >= 5), TimeSpan.FromSeconds(5));
        await stop.CancelAsync();
        await loop;

        Assert.True(refused, "the revoked token still worked 15 s after the console deleted it");
        // Once refused, refused for good (no answer from a cache that was filled again).
        Assert.DoesNotContain(answers, a => a.At > firstRefused && a.Status != HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Generate_prints_a_password_that_then_works()
    {
        var (code, stdout, _) = await RunAsync(new ResetPasswordOptions(Generate: true, false, false), PasswordGenerator.Generate());

        Assert.Equal(ResetPasswordCommand.Ok, code);
        var printed = stdout.Trim();
        Assert.Equal(HttpStatusCode.Created, await BasicTokenStatusAsync(printed));
    }

    [Theory]
    [InlineData("short", "At least 10 characters.")]
    [InlineData("", "Required.")]
    [InlineData(null, "Required.")]
    public async Task A_password_setup_would_refuse_changes_nothing(string? password, string reason)
    {
        var (code, _, stderr) = await RunAsync(new ResetPasswordOptions(false, false, false), password);

        Assert.Equal(ResetPasswordCommand.Failed, code);
        Assert.Contains(reason, stderr, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, await BasicTokenStatusAsync(GatewayApplication.Password));
    }

    [Fact]
    public async Task A_missing_database_is_reported_and_not_created()
    {
        var path = Path.Combine(_app.Folder, "elsewhere.db");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await ResetPasswordCommand.RunAsync(new ResetPasswordOptions(false, false, false), NewPassword, $"Data Source={path}", stdout, stderr);

        Assert.Equal(ResetPasswordCommand.Failed, code);
        Assert.Contains("no database", stderr.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Before_setup_there_is_nothing_to_reset()
    {
        var fresh = new GatewayApplication();
        try
        {
            using (var client = fresh.CreateApiClient())
            {
                await client.GetAsync("/api/v1/setup"); // starts the web, which creates and migrates the database
            }

            var stderr = new StringWriter();
            var code = await ResetPasswordCommand.RunAsync(new ResetPasswordOptions(false, false, false), NewPassword,
                $"Data Source={fresh.DatabasePath}", new StringWriter(), stderr);

            Assert.Equal(ResetPasswordCommand.Failed, code);
            Assert.Contains("setup has not been done", stderr.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, await fresh.CountRowsAsync("AdminUsers"));
        }
        finally
        {
            await ((IAsyncLifetime)fresh).DisposeAsync();
        }
    }

    private async Task<(int Code, string Stdout, string Stderr)> RunAsync(ResetPasswordOptions options, string? password)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await ResetPasswordCommand.RunAsync(options, password, ConnectionString, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private async Task<HttpStatusCode> StatusAsync(Action<HttpClient> authenticate)
    {
        using var client = _app.CreateApiClient();
        authenticate(client);
        using var response = await client.GetAsync("/api/v1/status");
        return response.StatusCode;
    }

    /// <summary>Scripts trade the password for a token with HTTP Basic: 201, or 401 for a wrong password.</summary>
    private async Task<HttpStatusCode> BasicTokenStatusAsync(string password)
    {
        using var client = _app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = GatewayApplication.BasicHeader("admin", password);
        using var response = await client.PostAsJsonAsync("/api/v1/tokens", new { name = "check" });
        return response.StatusCode;
    }

    private static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }
}

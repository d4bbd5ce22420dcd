using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The web on real Kestrel (a loopback port), for what the in-memory test server skips: Kestrel's body limits,
/// WebSocket upgrades, client addresses. Extra settings come from the constructor; setup is not done.
/// </summary>
public sealed partial class SecurityHttpApplication : GatewayApplication
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public SecurityHttpApplication(IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        UseKestrel(0);
        StartServer();
        // Port 0 picks a free port; the clients must be told which one.
        var addresses = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        ClientOptions.BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)).Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still open: the OS cleans temp folders.
        }
    }

    /// <summary>The server's base address, http://127.0.0.1:port/.</summary>
    public Uri BaseAddress => ClientOptions.BaseAddress;

    /// <summary>A plain client over TCP: no redirects followed, no cookie jar (tests send the Cookie header themselves).</summary>
    public override HttpClient CreateApiClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// A signed-in browser's page: GET <paramref name="path"/> with the auth cookie, and the antiforgery pair its
    /// forms carry (the hidden field and the antiforgery cookie), exactly as the browser would post them.
    /// </summary>
    public async Task<(string FormToken, string AntiforgeryCookie)> FormTokensAsync(string authCookie, string path = "/settings")
    {
        using var client = CreateApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", authCookie);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var html = await response.Content.ReadAsStringAsync();
        var token = FormToken().Match(html);
        Assert.True(token.Success, "The page has no antiforgery field.");
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        return (System.Net.WebUtility.HtmlDecode(token.Groups[1].Value), cookie.Split(';')[0]);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}

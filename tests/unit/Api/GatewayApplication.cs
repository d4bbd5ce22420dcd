using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;

namespace Gateway.Tests.Unit.Api;

/// <summary>
/// The web in-process with its own SQLite file in a fresh temp folder, and an agent socket path that
/// nobody listens on (unless a test starts a fake agent there). Setup is not done.
/// </summary>
public class GatewayApplication : WebApplicationFactory<Gateway.Web.Program>, IAsyncLifetime
{
    public const string Password = "correct horse battery staple";

    public GatewayApplication()
    {
        // Short: a Unix socket path must fit in 108 bytes.
        Folder = Path.Combine(Path.GetTempPath(), "gwt-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string DatabasePath => Path.Combine(Folder, "gateway.db");

    public string SocketPath => Path.Combine(Folder, "agent.sock");

    public static object ValidSetup => new
    {
        adminPassword = Password,
        wanInterface = "ppp*",
        lanInterface = "br-lan",
        lanAddress = "192.168.1.1/24",
        masquerade = true,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Gateway", $"Data Source={DatabasePath}");
        builder.UseSetting("Agent:SocketPath", SocketPath);
        builder.UseSetting("Agent:MinReconnectDelay", "00:00:00.050");
        builder.UseSetting("Agent:MaxReconnectDelay", "00:00:00.200");
        builder.UseSetting("Agent:RequestTimeout", "00:00:02");
    }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on some platform; the temp folder is cleaned by the OS eventually.
        }
    }

    /// <summary>Reads the desired revision straight from the database file, not through the API.</summary>
    public async Task<long> DesiredRevisionInDatabaseAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DesiredRevision FROM Revision";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task<string> JournalModeAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Rows in a table, read straight from the database file.</summary>
    public async Task<long> CountRowsAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public virtual HttpClient CreateApiClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public async Task CompleteSetupAsync()
    {
        using var client = CreateApiClient();
        var response = await client.PostAsJsonAsync("/api/v1/setup", ValidSetup);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
    }

    public async Task<string> CreateTokenAsync(string name = "tests")
    {
        using var client = CreateApiClient();
        client.DefaultRequestHeaders.Authorization = BasicHeader("admin", Password);
        var response = await client.PostAsJsonAsync("/api/v1/tokens", new { name });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<TokenResponse>();
        return created!.Token;
    }

    public HttpClient CreateClientWithToken(string token)
    {
        var client = CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public sealed record TokenResponse(int Id, string Name, string Token);
}

/// <summary>Setup done and one bearer token ready: the state most resource tests start from.</summary>
public sealed class ReadyGatewayApplication : GatewayApplication
{
    public string Token { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await CompleteSetupAsync();
        Token = await CreateTokenAsync();
    }

    public HttpClient CreateAuthorizedClient() => CreateClientWithToken(Token);
}

using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Unit.Web;

/// <summary>The packaged <c>/etc/gateway/appsettings.json</c> layer, read by both processes.</summary>
public sealed class CliSystemConfigurationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gw-etc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_system_file_overrides_the_bundled_one_and_the_environment_overrides_both()
    {
        var bundled = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "app")).FullName, "appsettings.json");
        File.WriteAllText(bundled, """{ "ConnectionStrings": { "Gateway": "Data Source=/bundled.db" }, "Agent": { "SocketPath": "/bundled.sock", "StateDir": "/bundled" } }""");
        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "ConnectionStrings": { "Gateway": "Data Source=/etc.db" }, "Agent": { "SocketPath": "/etc.sock" } }""");
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(bundled);
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:SocketPath"] = "/env.sock" }); // stands for env vars

        Gateway.Shared.Hosting.SystemSettingsFile.AddSystemSettingsFile(configuration, _folder);

        Assert.Equal("Data Source=/etc.db", configuration.GetConnectionString("Gateway"));
        Assert.Equal("/env.sock", configuration["Agent:SocketPath"]);
        Assert.Equal("/bundled", configuration["Agent:StateDir"]);
    }

    [Fact]
    public void The_agent_turns_allowed_user_names_into_uids_after_the_listed_ones()
    {
        File.WriteAllText(Path.Combine(_folder, "appsettings.json"), """{ "Agent": { "AllowedUsers": [ "nobody", "no-such-user-here" ] } }""");
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:AllowedUids:0"] = "0" });

        Gateway.Agent.SystemConfiguration.AddGatewaySystemConfig(configuration, _folder);

        Assert.True(Gateway.Agent.AgentOptions.TryRead(configuration, out var options, out var error), error);
        Assert.Equal(new uint[] { 0, 65534 }, options.AllowedUids); // Debian's nobody; the unknown name is skipped
    }

    [Fact]
    public void Without_the_folder_nothing_changes()
    {
        var configuration = new ConfigurationManager();
        var before = configuration.Sources.ToList();
        Gateway.Shared.Hosting.SystemSettingsFile.AddSystemSettingsFile(configuration, Path.Combine(_folder, "missing"));
        Assert.Equal(before, configuration.Sources);
    }
}

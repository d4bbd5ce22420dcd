using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Gateway.Shared.Hosting;

/// <summary>
/// The packaged install's settings file, read by the agent and the web alike: <c>/etc/gateway/appsettings.json</c>
/// (a conffile the owner edits) overrides the appsettings.json beside the binary; environment variables and
/// arguments still override both.
/// </summary>
public static class SystemSettingsFile
{
    public const string Folder = "/etc/gateway";
    public const string FileName = "appsettings.json";

    /// <summary>Where the package installs the binaries; only those read <see cref="Folder"/>.</summary>
    public const string InstallRoot = "/usr/lib/gateway/";

    /// <summary>
    /// <c>GATEWAY_CONFIG_DIR</c> if set; else <see cref="Folder"/> for the installed binaries only, so a build run from
    /// the source tree (run.sh, the tests) on a box that also has the package installed never picks up its settings.
    /// </summary>
    public static string? DefaultFolder =>
        Environment.GetEnvironmentVariable("GATEWAY_CONFIG_DIR") is { Length: > 0 } dir ? dir
        : AppContext.BaseDirectory.StartsWith(InstallRoot, StringComparison.Ordinal) ? Folder
        : null;

    /// <summary>
    /// Inserts the file of <paramref name="folder"/> (default <see cref="DefaultFolder"/>; optional, read once) right
    /// after the last JSON file source, so it overrides the files but not the environment or the arguments.
    /// </summary>
    public static IConfigurationManager AddSystemSettingsFile(this IConfigurationManager configuration, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        folder ??= DefaultFolder;
        if (folder is null || !Directory.Exists(folder))
        {
            return configuration;
        }

        var sources = configuration.Sources;
        var lastJson = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                lastJson = i;
            }
        }

        sources.Insert(lastJson + 1, new JsonConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(folder),
            Path = FileName,
            Optional = true,
            ReloadOnChange = false,
        });
        return configuration;
    }
}

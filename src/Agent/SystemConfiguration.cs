using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Gateway.Agent;

/// <summary>
/// The packaged install's settings: <c>/etc/gateway/appsettings.json</c> (a conffile the owner edits) overrides the
/// appsettings.json beside the binary, and environment variables and arguments still override both.
/// </summary>
public static partial class SystemConfiguration
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
    /// The packaged service's wiring, a no-op elsewhere: the system settings file, and under systemd readiness via
    /// sd_notify (<c>Type=notify</c>: the unit is up once the last-good rules are in and the socket listens) and
    /// journal-friendly console logs.
    /// </summary>
    public static HostApplicationBuilder UseGatewaySystem(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddGatewaySystemConfig();
        builder.Services.AddSystemd();
        return builder;
    }

    /// <summary>
    /// Adds the system file (if present) right after the last JSON file source, and resolves
    /// <c>Agent:AllowedUsers</c> (user names, e.g. the package's <c>gateway</c>, whose uid is chosen at install) into
    /// extra <c>Agent:AllowedUids</c> entries.
    /// </summary>
    public static IConfigurationManager AddGatewaySystemConfig(this IConfigurationManager configuration, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        folder ??= DefaultFolder;
        if (folder is not null && Directory.Exists(folder))
        {
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
        }

        var users = configuration.GetSection("Agent:AllowedUsers").GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (users.Count > 0)
        {
            var next = configuration.GetSection("Agent:AllowedUids").GetChildren().Count();
            var extra = new Dictionary<string, string?>();
            foreach (var user in users)
            {
                // An unknown name is skipped, not fatal: the uid list then admits root only, and the refused
                // connection is logged by the socket server naming the uid.
                if (UidOf(user) is { } uid)
                {
                    extra[$"Agent:AllowedUids:{next++}"] = uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            configuration.AddInMemoryCollection(extra);
        }

        return configuration;
    }

    private static uint? UidOf(string user)
    {
        var entry = getpwnam(user);
        return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, PwUidOffset);
    }

    // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; ... } on 64-bit Linux: pw_uid follows two pointers.
    private static readonly int PwUidOffset = 2 * IntPtr.Size;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getpwnam(string name);
}

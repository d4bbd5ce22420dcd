using Gateway.Agent.Interop;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Gateway.Shared.Hosting;
using Microsoft.Extensions.Hosting;

namespace Gateway.Agent;

/// <summary>The packaged agent service's wiring (the settings file itself: <see cref="SystemSettingsFile"/>).</summary>
public static class SystemConfiguration
{
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
    /// Adds the system settings file (<see cref="SystemSettingsFile.AddSystemSettingsFile"/>), and resolves
    /// <c>Agent:AllowedUsers</c> (user names, e.g. the package's <c>gateway</c>, whose uid is chosen at install) into
    /// extra <c>Agent:AllowedUids</c> entries.
    /// </summary>
    public static IConfigurationManager AddGatewaySystemConfig(this IConfigurationManager configuration, string? folder = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        configuration.AddSystemSettingsFile(folder);

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

    private static unsafe uint? UidOf(string user)
    {
        var entry = Libc.GetPwNam(user);
        return entry == null ? null : entry->Uid;
    }
}

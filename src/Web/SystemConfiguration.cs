using Gateway.Shared.Hosting;

namespace Gateway.Web;

/// <summary>The packaged web service's wiring (the settings file itself: <see cref="SystemSettingsFile"/>).</summary>
public static class SystemConfiguration
{
    /// <summary>
    /// The packaged service's wiring, a no-op elsewhere: the system settings file; under systemd, readiness via
    /// sd_notify (<c>Type=notify</c>), journal-friendly console logs, and Kestrel listening on the socket systemd
    /// passes in (<c>gateway-web.socket</c> holds port 80, so the web itself needs no capability).
    /// </summary>
    public static WebApplicationBuilder UseGatewaySystem(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddSystemSettingsFile();
        builder.Services.AddSystemd();
        // Only acts when LISTEN_PID names this process; otherwise ASPNETCORE_URLS applies as before.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.UseSystemd());
        return builder;
    }
}

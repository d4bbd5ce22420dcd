using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;

namespace Gateway.Web.Security;

public static class SecurityExtensions
{
    /// <summary>
    /// Limits: a small request body by default (endpoints that need more raise it per request, after auth),
    /// small forms, and bounded SignalR circuits and upgraded connections.
    /// </summary>
    public static WebApplicationBuilder AddGatewaySecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Security");
        var options = section.Get<SecurityOptions>() ?? new SecurityOptions();
        builder.Services.AddOptions<SecurityOptions>().Bind(section);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.DefaultBodyLimit;
            // A backstop above the circuit gate's own limit, which answers 503 before Kestrel would fail the upgrade.
            kestrel.Limits.MaxConcurrentUpgradedConnections = options.MaxCircuitConnections + 8;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            // The only forms are the login and logout posts: a password, a return URL and an antiforgery token.
            form.ValueCountLimit = 16;
            form.KeyLengthLimit = 256;
            form.ValueLengthLimit = 8 * 1024;
            form.MultipartBodyLengthLimit = options.DefaultBodyLimit;
            form.BufferBodyLengthLimit = options.DefaultBodyLimit;
        });
        builder.Services.Configure<CircuitOptions>(circuits =>
        {
            circuits.DisconnectedCircuitMaxRetained = options.MaxRetainedDisconnectedCircuits;
            circuits.DisconnectedCircuitRetentionPeriod = options.DisconnectedCircuitRetention;
        });
        builder.Services.AddSingleton<CircuitGate>();
        builder.Services.AddSingleton<RouterLinks>();
        builder.Services.AddOptions<HostNamesOptions>().Bind(builder.Configuration.GetSection("Web"));
        builder.Services.AddSingleton<IRouterHostNames, ConfiguredHostNames>();
        builder.Services.AddSingleton<IRouterHostNames, LanHostNames>();
        // Global hub options reach the panel's hub too (it is the only hub).
        builder.Services.Configure<HubOptions>(hubs => hubs.AddFilter<CircuitlessConnections>());
        return builder;
    }

    /// <summary>The <c>Host</c> and <c>Origin</c> check (<see cref="HostGuard"/>); call first, before anything acts on a request.</summary>
    public static IApplicationBuilder UseGatewayHostGuard(this IApplicationBuilder app) => app.UseMiddleware<HostGuard>();

    /// <summary>Headers, refused-request handling and the <c>/_blazor</c> gate; call after UseAuthentication.</summary>
    public static IApplicationBuilder UseGatewaySecurity(this IApplicationBuilder app) => app.UseMiddleware<SecurityMiddleware>();
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Gateway.Web.Auth;
using Gateway.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

public static class StateServiceCollectionExtensions
{
    /// <summary>The service layer shared by REST endpoints and Blazor pages, plus the agent link.</summary>
    public static IServiceCollection AddGatewayState(this IServiceCollection services, IConfiguration agentSection)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddAgentLink(agentSection);
        services.AddSingleton<SetupState>();
        services.AddSingleton<Auth.SetupClients>();
        services.AddSingleton<LoginTickets>();
        services.AddSingleton<AdminSecurityStamp>();
        services.AddSingleton<IPasswordHasher<AdminUserEntity>, PasswordHasher<AdminUserEntity>>();
        services.AddSingleton<WriteGate>();
        services.AddSingleton<DesiredStateCache>();
        services.AddSingleton<ApiTokenCache>();
        services.AddScoped<StateWriter>();
        services.AddScoped<PortForwardService>();
        services.AddScoped<MacFilterService>();
        services.AddScoped<ThisDeviceService>();
        services.AddScoped<LoggingService>();
        services.AddScoped<RuleService>();
        services.AddScoped<ProtectionService>();
        services.AddScoped<OneToOneService>();
        services.AddScoped<RedirectService>();
        services.AddScoped<MirrorService>();
        services.AddScoped<PinholeService>();
        services.AddScoped<PolicyRouteService>();
        services.AddScoped<HelpersService>();
        services.AddScoped<DhcpService>();
        services.AddScoped<StaticLeaseService>();
        services.AddScoped<DnsService>();
        services.AddScoped<UpnpService>();
        services.AddScoped<WanService>();
        services.AddScoped<DeviceNames>();
        services.AddScoped<NetworkService>();
        services.AddScoped<ConfigService>();
        services.AddScoped<SetupService>();
        services.AddScoped<AdminAccountService>();
        services.AddScoped<ApiTokenService>();
        services.AddScoped<StatusService>();
        return services;
    }
}

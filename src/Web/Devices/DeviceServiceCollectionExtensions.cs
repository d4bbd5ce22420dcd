namespace Gateway.Web.Devices;

public static class DeviceServiceCollectionExtensions
{
    /// <summary>The device recorder (a hosted service), the vendor registry (read here, once) and the device list.</summary>
    public static IServiceCollection AddGatewayDevices(this IServiceCollection services, IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.Configure<DeviceOptions>(section);
        services.AddSingleton(provider => OuiRegistry.Load(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeviceOptions>>().Value.OuiPath));
        services.AddSingleton<DeviceRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<DeviceRecorder>());
        services.AddSingleton<DeviceList>();
        services.AddScoped<DeviceActions>();
        return services;
    }
}

using Gateway.Web.Components;
using Gateway.Web.Data;
using Gateway.Web.State;

namespace Gateway.Web;

public sealed class Program
{
    private Program()
    {
    }

    public static async Task<int> Main(string[] args)
    {
        WebApplication app;
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = args,
                // Start correctly from any working directory: assets and appsettings.json sit beside the assembly.
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Services.AddGatewayDatabase(builder.Configuration.GetConnectionString("Gateway"));
            builder.Services.AddGatewayState(builder.Configuration.GetSection("Agent"));
            builder.Services.AddRazorComponents().AddInteractiveServerComponents();
            app = builder.Build();
            await app.Services.MigrateGatewayDatabaseAsync();
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"gateway-web: {ex.Message}");
            return 1;
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        await app.RunAsync();
        return 0;
    }
}

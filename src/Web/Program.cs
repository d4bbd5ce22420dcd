using Gateway.Web.Api;
using Gateway.Web.Auth;
using Gateway.Web.Components;
using Gateway.Web.Confirm;
using Gateway.Web.Data;
using Gateway.Web.Devices;
using Gateway.Web.Metrics;
using Gateway.Web.Security;
using Gateway.Web.OpenApi;
using Gateway.Web.State;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.DataProtection;
using Scalar.AspNetCore;

namespace Gateway.Web;

/// <summary>The web process: REST v1, the Blazor admin panel, the database and the link to the agent.</summary>
public sealed class Program
{
    private Program()
    {
    }

    public static async Task<int> Main(string[] args)
    {
        if (Cli.CommandLine.Find(args) is { } command)
        {
            return await command(args);
        }

        WebApplication app;
        try
        {
            app = Build(args);
            await app.Services.MigrateGatewayDatabaseAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException
            or Microsoft.Data.Sqlite.SqliteException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            // One line on stderr and a non-zero exit, as the process contract asks.
            await Console.Error.WriteLineAsync($"gateway-web: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        try
        {
            await app.RunAsync();
        }
        catch (IOException ex)
        {
            // Typically the address in ASPNETCORE_URLS is taken or not ours.
            await Console.Error.WriteLineAsync($"gateway-web: cannot listen: {ex.Message.ReplaceLineEndings(" ")}");
            return 1;
        }

        return 0;
    }

    private static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Start correctly from any working directory: assets and appsettings.json sit beside the assembly.
            ContentRootPath = AppContext.BaseDirectory,
        }).UseGatewaySystem();

        // Run from the build output (bin/, as test.sh and the e2e lab do) the panel's assets (blazor.web.js, app.css,
        // scoped CSS) are found only through the static web assets manifest; outside Development it is off by default
        // and every asset answers 200 with an empty body. A published folder has no manifest and ignores this.
        builder.WebHost.UseStaticWebAssets();

        var socketPath = builder.Configuration["Agent:SocketPath"];
        if (string.IsNullOrWhiteSpace(socketPath))
        {
            throw new InvalidOperationException("Agent:SocketPath is not set.");
        }

        builder.AddGatewaySecurity();
        builder.Services.AddGatewayMetrics(builder.Configuration.GetSection("Metrics"));
        var dataFolder = builder.Services.AddGatewayDatabase(builder.Configuration.GetConnectionString("Gateway"));
        // Cookie keys live beside the database, so sign-ins survive a restart.
        builder.Services.AddDataProtection()
            .SetApplicationName("Gateway")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataFolder, "keys")));
        builder.Services.AddGatewayState(builder.Configuration.GetSection("Agent"));
        builder.Services.AddCommitConfirmed(builder.Configuration.GetSection("Apply"));
        builder.Services.AddGatewayDevices(builder.Configuration.GetSection("Devices"));
        builder.Services.AddGatewayAuth();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ApiJson.HideComputedSharedMembers } });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        builder.Services.AddGatewayOpenApi();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();

        var app = builder.Build();

        // Before anything else acts on it: a request for another host name, or a write from another origin, is refused.
        app.UseGatewayHostGuard();

        // REST answers errors as problem+json; pages get the Blazor error and not-found pages.
        app.UseWhen(context => ApiProblems.IsApi(context.Request), api =>
        {
            api.UseExceptionHandler();
            api.UseStatusCodePages();
        });
        app.UseWhen(context => !ApiProblems.IsApi(context.Request), pages =>
        {
            if (!app.Environment.IsDevelopment())
            {
                pages.UseExceptionHandler("/Error", createScopeForErrors: true);
            }

            pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        });

        // Explicit, after the branches: their exception/status re-execution must route again to find
        // /Error and /not-found (the implicit UseRouting would run before them, once).
        app.UseRouting();
        app.UseAuthentication();
        app.UseGatewaySecurity();
        app.UseMiddleware<SetupGateMiddleware>();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/api/docs", options => options.WithTitle("Gateway REST API").WithOpenApiRoutePattern("/openapi/{documentName}.json"));
        app.MapGatewayApi();
        app.MapAccount();
        app.MapMetrics();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}

using Gateway.Agent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The agent's exit code: a background service that throws must not look like a clean stop.</summary>
public sealed class HostRunnerTests
{
    [Fact]
    public async Task A_faulted_background_service_exits_non_zero_and_says_why()
    {
        using var host = BuildHost(services => services.AddHostedService<ThrowingService>());
        var error = new StringWriter();

        var code = await HostRunner.RunAsync(host, error);

        Assert.Equal(1, code);
        Assert.Contains("ThrowingService failed: netlink socket vanished", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_stop_exits_zero()
    {
        using var host = BuildHost(services => services.AddHostedService<StoppingService>());
        var error = new StringWriter();

        var code = await HostRunner.RunAsync(host, error);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error.ToString());
    }

    private static IHost BuildHost(Action<IServiceCollection> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        configure(builder.Services);
        return builder.Build();
    }

    private sealed class ThrowingService : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("netlink socket vanished");
        }
    }

    /// <summary>Asks the host to stop, the way SIGTERM does.</summary>
    private sealed class StoppingService(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            lifetime.StopApplication();
        }
    }
}

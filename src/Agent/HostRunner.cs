using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Agent;

/// <summary>
/// Runs the host and turns its end into an exit code. A <see cref="BackgroundService"/> that throws makes the
/// host stop (BackgroundServiceExceptionBehavior.StopHost) but <c>RunAsync</c> then returns normally, so
/// without this check a dead socket server or conntrack publisher would exit 0 and a supervisor
/// (systemd <c>Restart=on-failure</c>) would not restart the agent.
/// </summary>
public static class HostRunner
{
    /// <returns>0 after a clean stop; 1 when any background service faulted (its error goes to <paramref name="error"/>).</returns>
    public static async Task<int> RunAsync(IHost host, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(error);
        // Resolved before running: RunAsync disposes the host and its service provider on the way out.
        var services = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
        await host.RunAsync().ConfigureAwait(false);

        var faulted = services.Where(s => s.ExecuteTask is { IsFaulted: true }).ToList();
        foreach (var service in faulted)
        {
            var reason = service.ExecuteTask!.Exception!.GetBaseException();
            await error.WriteLineAsync($"gateway-agent: {service.GetType().Name} failed: {reason.Message.ReplaceLineEndings(" ")}").ConfigureAwait(false);
        }

        return faulted.Count == 0 ? 0 : 1;
    }
}

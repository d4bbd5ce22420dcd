using Gateway.Agent;
using Gateway.Agent.Conntrack;
using Gateway.Agent.Ipc;
using Gateway.Agent.Links;
using Gateway.Agent.Logs;
using Gateway.Agent.Memory;
using Gateway.Agent.Nft;
using Gateway.Agent.Routing;
using Gateway.Agent.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// The content root is the assembly's folder so the root appsettings.json copied beside it is found
// whatever the working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
}).UseGatewaySystem();

if (!AgentOptions.TryRead(builder.Configuration, out var options, out var error))
{
    Console.Error.WriteLine($"gateway-agent: {error}");
    return 2;
}

builder.Services.AddSingleton(options);
builder.Services.AddSingleton<NftApplier>();
builder.Services.AddSingleton<IRulesetKernel, RulesetKernel>();
builder.Services.AddSingleton(new LastGoodStore(options.StateDir));
builder.Services.AddSingleton<IRoutingKernel, RoutingKernel>();
builder.Services.AddSingleton(provider => new RoutingReconciler(
    provider.GetRequiredService<IRoutingKernel>(),
    new AddedAddressesFile(options.StateDir),
    provider.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger<RoutingReconciler>()));
builder.Services.AddSingleton<IPinholeKernel, PinholeKernel>();
builder.Services.AddSingleton<PinholeSync>();
builder.Services.AddSingleton<Gateway.Agent.Lan.DnsmasqSupervisor>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<Gateway.Agent.Lan.DnsmasqSupervisor>());
builder.Services.AddSingleton<Gateway.Agent.Upnp.MiniupnpdSupervisor>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<Gateway.Agent.Upnp.MiniupnpdSupervisor>());
builder.Services.AddSingleton<Gateway.Agent.Wan.WanSupervisor>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<Gateway.Agent.Wan.WanSupervisor>());
builder.Services.AddSingleton(provider => new Gateway.Agent.Lan.ManagedDaemons(options.FirstBoot, provider.GetRequiredService<Gateway.Agent.Lan.DnsmasqSupervisor>(), provider.GetRequiredService<Gateway.Agent.Upnp.MiniupnpdSupervisor>(), provider.GetRequiredService<Gateway.Agent.Wan.WanSupervisor>()));
builder.Services.AddSingleton<MirrorSync>();
builder.Services.AddSingleton<RulesetManager>();
builder.Services.AddSingleton<ClientHub>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(new Gateway.Agent.Confirm.ConfirmFile(options.StateDir));
builder.Services.AddSingleton<Gateway.Agent.Confirm.ConfirmWindow>();
builder.Services.AddSingleton<Gateway.Agent.Devices.DeviceAccountant>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<Gateway.Agent.Devices.DeviceAccountant>());
builder.Services.AddHostedService<AgentServer>();
builder.Services.AddHostedService<ConntrackPublisher>();
builder.Services.AddHostedService<KmsgReader>();
builder.Services.AddHostedService<CountersPublisher>();
builder.Services.AddHostedService<DriftWatcher>();
builder.Services.AddHostedService<NeighbourWatcher>();
builder.Services.AddSingleton(HeapTrim.OfThisProcess());
builder.Services.AddHostedService<MemoryTrimmer>();
NativeHeap.LimitArenas();

using var host = builder.Build();

// Fail closed: the last-good rules (or, without them, the lockdown table: nothing forwarded, nothing from the
// uplink reaches the router) are in the kernel before anyone can connect.
try
{
    host.Services.GetRequiredService<RulesetManager>().RestoreLastGood();
    // A commit-confirmed window the last run left open: reverted now if its deadline passed, else timed on.
    await host.Services.GetRequiredService<Gateway.Agent.Confirm.ConfirmWindow>().StartAsync();
}
catch (DllNotFoundException)
{
    Console.Error.WriteLine("gateway-agent: libnftables.so.1 not found; install the nftables package.");
    return 1;
}

try
{
    // Non-zero when a background service died, so a supervisor sees the failure.
    return await HostRunner.RunAsync(host, Console.Error);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
{
    Console.Error.WriteLine($"gateway-agent: {ex.Message}");
    return 1;
}

using Gateway.Shared.Config;

namespace Gateway.Tests.Unit.Agent;

/// <summary>The small configs the <see cref="Gateway.Agent.Nft.RulesetManager"/> tests move the kernel between: a LAN, a WAN and TCP forwards.</summary>
internal static class ForwardConfigs
{
    public static PortForward Forward(int id, int port, string target = "192.168.1.20") =>
        new(id, $"fwd {id}", true, ForwardProtocol.Tcp, port, null, target, null, null);

    public static GatewayConfig Config(params PortForward[] forwards) => Config(forwards, []);

    public static GatewayConfig Config(PortForward[] forwards, params TrafficRule[] rules) => new(
        new NetworkSettings("wan0", "br-lan", "192.168.1.1/24"),
        forwards,
        [],
        new MacPolicy(MacFilterMode.Off),
        LoggingPolicy.Default)
    { Rules = rules };
}

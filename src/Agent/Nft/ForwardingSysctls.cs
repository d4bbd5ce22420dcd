using Gateway.Shared.Config;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// The sysctls a router needs beside its table: the applied config means nothing with <c>net.ipv4.ip_forward</c>
/// at 0. With IPv6 on, IPv6 forwarding too — after the WAN link (when named exactly, not a pattern like
/// <c>ppp*</c>) is told to keep accepting router advertisements, which a forwarding link otherwise ignores, so the
/// router keeps its own WAN autoconfiguration. With IPv6 off, IPv6 forwarding is left as it is: the ruleset
/// forwards no IPv6 then. Logs through the apply manager's logger.
/// </summary>
public sealed partial class ForwardingSysctls(IRulesetKernel kernel, ILogger logger)
{
    /// <summary>After an apply: turns on what the config needs.</summary>
    public void Ensure(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        TryTurnOn("IPv4", "net.ipv4.ip_forward", kernel.EnableIpv4Forwarding, log: true);
        if (!config.Network.Ipv6Enabled)
        {
            return;
        }

        var wan = config.Network.WanInterface;
        if (!wan.EndsWith('*') && kernel.LinkExists(wan))
        {
            try
            {
                if (kernel.KeepAcceptingRouterAdvertisements(wan))
                {
                    LogAcceptRa(wan);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                LogForwardingFailed($"router advertisements on {wan}", ex.Message);
            }
        }

        TryTurnOn("IPv6", "net.ipv6.conf.all.forwarding", kernel.EnableIpv6Forwarding, log: true);
    }

    /// <summary>
    /// Forwarding is kernel state the agent owns too: turns back on what someone turned off, and names those
    /// sysctls (drift); empty when nothing was off.
    /// </summary>
    public IReadOnlyList<string> TurnBackOn(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var off = new List<string>();
        if (TryTurnOn("IPv4", "net.ipv4.ip_forward", kernel.EnableIpv4Forwarding, log: false))
        {
            off.Add("net.ipv4.ip_forward");
        }

        if (config.Network.Ipv6Enabled && TryTurnOn("IPv6", "net.ipv6.conf.all.forwarding", kernel.EnableIpv6Forwarding, log: false))
        {
            off.Add("net.ipv6.conf.all.forwarding");
        }

        return off;
    }

    private bool TryTurnOn(string family, string sysctl, Func<bool> turnOn, bool log)
    {
        try
        {
            if (!turnOn())
            {
                return false;
            }

            if (log)
            {
                LogForwardingOn(family, sysctl);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogForwardingFailed(family, ex.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Turned on {Family} forwarding ({Sysctl} was 0)")]
    private partial void LogForwardingOn(string family, string sysctl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Set net.ipv6.conf.{Link}.accept_ra to 2: the WAN keeps accepting router advertisements while the router forwards IPv6")]
    private partial void LogAcceptRa(string link);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not turn on {What} forwarding: {Error}")]
    private partial void LogForwardingFailed(string what, string error);
}

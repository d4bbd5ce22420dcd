using System.Globalization;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Microsoft.Extensions.Configuration;

namespace Gateway.Agent;

/// <summary>
/// The agent's settings (section <c>Agent</c> of appsettings.json, or <c>Agent__*</c> env vars), and the optional
/// <c>FirstBoot</c> section: the LAN link and address served before setup.
/// </summary>
/// <param name="DnsmasqDir">
/// Where the agent writes its dnsmasq's files: not under <paramref name="StateDir"/> (0700), because dnsmasq re-reads
/// them after dropping to its own user.
/// </param>
public sealed record AgentOptions(string SocketPath, string StateDir, IReadOnlyList<uint> AllowedUids, string DnsmasqDir = AgentOptions.DefaultDnsmasqDir, FirstBootLan? FirstBoot = null, string WanDir = AgentOptions.DefaultWanDir)
{
    public const string DefaultSocketPath = "/run/gateway/agent.sock";
    public const string DefaultStateDir = "/var/lib/gateway/agent";
    public const string DefaultDnsmasqDir = "/var/lib/gateway/dnsmasq";
    public const string DefaultWanDir = "/var/lib/gateway/wan";
    public const string DefaultFirstBootAddress = "192.168.1.1/24";

    /// <summary>Reads and checks the settings; the error is one line, fit for stderr.</summary>
    public static bool TryRead(IConfiguration configuration, out AgentOptions options, out string error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options = new AgentOptions(DefaultSocketPath, DefaultStateDir, [0]);
        var section = configuration.GetSection("Agent");
        var socketPath = section["SocketPath"] is { Length: > 0 } s ? s : DefaultSocketPath;
        var stateDir = section["StateDir"] is { Length: > 0 } d ? d : DefaultStateDir;
        var dnsmasqDir = section["DnsmasqDir"] is { Length: > 0 } m ? m : DefaultDnsmasqDir;
        var wanDir = section["WanDir"] is { Length: > 0 } w ? w : DefaultWanDir;

        // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
        if (!Path.IsPathRooted(socketPath) || System.Text.Encoding.UTF8.GetByteCount(socketPath) > 107)
        {
            error = $"Agent:SocketPath must be an absolute path of at most 107 bytes (got '{socketPath}').";
            return false;
        }

        if (!Path.IsPathRooted(stateDir))
        {
            error = $"Agent:StateDir must be an absolute path (got '{stateDir}').";
            return false;
        }

        if (!Path.IsPathRooted(dnsmasqDir) || dnsmasqDir.AsSpan().IndexOfAny("\r\n\0") >= 0)
        {
            error = $"Agent:DnsmasqDir must be an absolute path (got '{dnsmasqDir}').";
            return false;
        }

        // The path is written into dhcpcd's hook script and command line.
        if (!Path.IsPathRooted(wanDir) || wanDir.AsSpan().IndexOfAny("\r\n\0'\"\\$`") >= 0)
        {
            error = $"Agent:WanDir must be an absolute path without quotes (got '{wanDir}').";
            return false;
        }

        FirstBootLan? firstBoot = null;
        var firstBootSection = configuration.GetSection("FirstBoot");
        if (firstBootSection["LanInterface"] is { Length: > 0 } firstBootLink)
        {
            var firstBootAddress = firstBootSection["LanAddress"] is { Length: > 0 } a ? a : DefaultFirstBootAddress;
            if (!FieldRules.IsLinkName(firstBootLink))
            {
                error = $"FirstBoot:LanInterface must be a link name (got '{firstBootLink}').";
                return false;
            }

            if (!Ipv4Cidr.TryParse(firstBootAddress, allowBareAddress: false, out var cidr) || cidr.PrefixLength is < 8 or > 30 || cidr.Address == cidr.Network || cidr.Address == cidr.Broadcast)
            {
                error = $"FirstBoot:LanAddress must be a host address with its prefix, like {DefaultFirstBootAddress} (got '{firstBootAddress}').";
                return false;
            }

            firstBoot = new FirstBootLan(firstBootLink, cidr.ToString());
        }

        var uids = new List<uint>();
        var uidSection = section.GetSection("AllowedUids");
        foreach (var child in uidSection.GetChildren())
        {
            if (!uint.TryParse(child.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
            {
                error = $"Agent:AllowedUids:{child.Key} must be a user id (got '{child.Value}').";
                return false;
            }

            if (!uids.Contains(uid))
            {
                uids.Add(uid);
            }
        }

        if (uids.Count == 0)
        {
            uids.Add(0);
        }

        options = new AgentOptions(socketPath, stateDir, uids, dnsmasqDir, firstBoot, wanDir);
        error = string.Empty;
        return true;
    }
}

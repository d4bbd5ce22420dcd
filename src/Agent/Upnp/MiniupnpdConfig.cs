using System.Globalization;
using System.Text;
using Gateway.Agent.Nft;
using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Agent.Upnp;

/// <summary>
/// Renders miniupnpd's configuration file from the desired state: a pure function, golden-tested. miniupnpd writes
/// its rules into the three chains <see cref="RulesetCompiler"/> declares inside <c>table inet gateway</c> (it never
/// creates tables or chains), listens on the LAN link only, and takes mappings on the WAN link. Every value is
/// re-checked here, so nothing the validator missed can add a line to the file.
/// </summary>
public static class MiniupnpdConfig
{
    /// <summary>The chain miniupnpd adds its filter accepts to (reached through the forward chain).</summary>
    public const string ForwardChain = "upnp_forward";

    /// <summary>The chain miniupnpd adds its dnat rules to, jumped to from dstnat after the owner's own entries.</summary>
    public const string DstnatChain = "upnp_dstnat";

    /// <summary>The chain miniupnpd adds its postrouting rules to, jumped to from srcnat.</summary>
    public const string SrcnatChain = "upnp_srcnat";

    /// <summary>Every chain miniupnpd writes to: a whole-table apply keeps their rules (see <see cref="NftApplier"/>).</summary>
    public static IReadOnlyList<string> Chains { get; } = [ForwardChain, DstnatChain, SrcnatChain];

    /// <summary>The configuration file, or null when <paramref name="config"/> runs no miniupnpd.</summary>
    /// <param name="config">A config the validator accepted.</param>
    /// <param name="leaseFile">Where miniupnpd keeps its mappings across its own restarts.</param>
    /// <param name="uuid">This router's device UUID (stable across restarts, so clients keep recognising it).</param>
    public static string? Render(GatewayConfig config, string leaseFile, Guid uuid)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(leaseFile);
        if (!Runs(config))
        {
            return null;
        }

        var network = config.Network;
        var upnp = config.Upnp;
        if (!Ipv4Cidr.TryParse(network.LanAddress, allowBareAddress: false, out var lan))
        {
            throw new InvalidDataException("The LAN address is not a.b.c.d/len.");
        }

        if (leaseFile.AsSpan().IndexOfAny("\r\n\0") >= 0 || !Path.IsPathRooted(leaseFile))
        {
            throw new InvalidDataException("The lease file must be an absolute path on one line.");
        }

        var allowed = Span(upnp.AllowedPorts);
        var text = new StringBuilder(1024);
        Line(text, "# Written by the Gateway agent on every apply that changes it; edits are overwritten.");
        Line(text, $"ext_ifname={network.WanInterface}");
        Line(text, $"listening_ip={network.LanInterface}");
        Line(text, "enable_upnp=yes");
        // NAT-PMP and PCP (RFC 6886, 6887) share this switch in 2.3.1.
        Line(text, "enable_natpmp=yes");
        Line(text, $"secure_mode={(upnp.SecureMode ? "yes" : "no")}");
        Line(text, "system_uptime=yes");
        Line(text, $"lease_file={leaseFile}");
        Line(text, $"uuid={uuid.ToString("D", CultureInfo.InvariantCulture)}");
        Line(text, "friendly_name=Gateway");
        Line(text, $"min_lifetime={UpnpSettings.MinLeaseSeconds.ToString(CultureInfo.InvariantCulture)}");
        Line(text, $"max_lifetime={upnp.LeaseSeconds.ToString(CultureInfo.InvariantCulture)}");
        Line(text, "# Its rules go into chains the agent declares in table inet gateway; it never creates tables or chains.");
        Line(text, $"upnp_table_name={RulesetCompiler.TableName}");
        Line(text, $"upnp_nat_table_name={RulesetCompiler.TableName}");
        Line(text, $"upnp_forward_chain={ForwardChain}");
        Line(text, $"upnp_nat_chain={DstnatChain}");
        Line(text, $"upnp_nat_postrouting_chain={SrcnatChain}");
        Line(text, "# Permissions, first match wins: denied ports (as external or internal port), then the allowed external");
        Line(text, "# ports to LAN addresses, then nothing else.");
        foreach (var denied in upnp.DeniedPorts)
        {
            var span = Checked(denied);
            Line(text, $"deny {span} 0.0.0.0/0 1-65535");
            Line(text, $"deny 1-65535 0.0.0.0/0 {span}");
        }

        Line(text, $"allow {allowed} {lan.NetworkText} 1-65535");
        Line(text, "deny 0-65535 0.0.0.0/0 0-65535");
        return text.ToString();
    }

    /// <summary>UPnP runs when it is on and both links are named (a wildcard WAN gives miniupnpd no one link).</summary>
    public static bool Runs(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var network = config.Network;
        return config.Upnp.Enabled
            && FieldRules.IsLinkName(network.WanInterface)
            && FieldRules.IsLinkName(network.LanInterface);
    }

    private static string Span(string text) => Checked(PortSpan.Parse(text));

    private static string Checked(PortSpan span) =>
        span.IsValid ? $"{span.First.ToString(CultureInfo.InvariantCulture)}-{span.Last.ToString(CultureInfo.InvariantCulture)}" : throw new InvalidDataException("A port range is out of bounds.");

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}

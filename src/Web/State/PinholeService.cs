using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;

namespace Gateway.Web.State;

/// <summary>
/// IPv6 pinholes. They need nothing of the LAN to be checked and may be stored while IPv6 is off (they apply only while
/// <c>network.lanIpv6</c> is set). Among enabled pinholes, two for the same host (same suffix, or same MAC), an
/// overlapping protocol and overlapping ports are one opening written twice: 409.
/// </summary>
public sealed class PinholeService(StateWriter writer, DesiredStateCache snapshots)
    : ListService<Pinhole, PinholeEntity, PinholeInput>(writer, snapshots)
{
    protected override string Noun => "pinhole";

    protected override IReadOnlyList<Pinhole> Pick(GatewayConfig config) => config.Pinholes;

    protected override Pinhole? ToRecord(PinholeInput input, int id, ValidationErrors errors, Pinhole? stored) => input.ToPinhole(id, errors);

    protected override void Validate(Pinhole record, NetworkSettings? network, ValidationErrors errors) => ConfigValidator.ValidatePinhole(record, errors);

    protected override PinholeEntity NewEntity(Pinhole record) => PinholeEntity.From(record);

    protected override int RecordId(Pinhole record) => record.Id;

    protected override Outcome<Pinhole>? Conflict(Pinhole record, IReadOnlyList<Pinhole> stored) =>
        stored.FirstOrDefault(p => p.Id != record.Id && Overlaps(p, record)) is { } other ? Clash("port", ClashMessage(other)) : null;

    /// <summary>
    /// True when both are enabled and open the same thing twice: the same host (suffix or MAC, compared as parsed),
    /// a protocol in common and overlapping port ranges. A suffix and a MAC may name the same host; that is not
    /// knowable here, so it is not a clash.
    /// </summary>
    public static bool Overlaps(Pinhole a, Pinhole b)
    {
        if (!a.Enabled || !b.Enabled)
        {
            return false;
        }

        var sameHost = (a.HostSuffix, b.HostSuffix) is ({ } x, { } y)
            ? Ipv6.TryParseSuffix(x, out var p) && Ipv6.TryParseSuffix(y, out var q) && p == q
            : (a.Mac, b.Mac) is ({ } m, { } n) && MacAddress.TryNormalize(m, out var mn) && MacAddress.TryNormalize(n, out var nn) && mn == nn;
        var sharedProtocol = a.Protocol == b.Protocol || a.Protocol == ForwardProtocol.Both || b.Protocol == ForwardProtocol.Both;
        var ports = a.Port <= (b.PortEnd ?? b.Port) && b.Port <= (a.PortEnd ?? a.Port);
        return sameHost && sharedProtocol && ports;
    }

    /// <summary>The clash message naming the stored (or earlier) pinhole <paramref name="other"/>.</summary>
    public static string ClashMessage(Pinhole other) =>
        $"The enabled pinhole \"{other.Name}\" (id {other.Id}) opens {other.Protocol.ToString().ToLowerInvariant()} port {Ports(other)} to {other.HostSuffix ?? other.Mac} already: change that one, or pick other ports.";

    private static string Ports(Pinhole pinhole) => pinhole.PortEnd is { } end && end != pinhole.Port ? $"{pinhole.Port}–{end}" : $"{pinhole.Port}";
}

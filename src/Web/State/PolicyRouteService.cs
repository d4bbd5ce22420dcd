using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;

namespace Gateway.Web.State;

/// <summary>Source-based routes: validated against the current LAN; an enabled source takes one route (409).</summary>
public sealed class PolicyRouteService(StateWriter writer, DesiredStateCache snapshots)
    : ListService<PolicyRoute, PolicyRouteEntity, PolicyRouteInput>(writer, snapshots)
{
    protected override string Noun => "policy route";

    protected override string? NeedsNetworkField => "source";

    protected override IReadOnlyList<PolicyRoute> Pick(GatewayConfig config) => config.PolicyRoutes;

    protected override PolicyRoute? ToRecord(PolicyRouteInput input, int id, ValidationErrors errors, PolicyRoute? stored) => input.ToRoute(id, errors);

    protected override void Validate(PolicyRoute record, NetworkSettings? network, ValidationErrors errors) =>
        ConfigValidator.ValidatePolicyRoute(record, network, errors);

    protected override PolicyRouteEntity NewEntity(PolicyRoute record) => PolicyRouteEntity.From(record);

    protected override int RecordId(PolicyRoute record) => record.Id;

    protected override Outcome<PolicyRoute>? Conflict(PolicyRoute record, IReadOnlyList<PolicyRoute> stored)
    {
        if (!record.Enabled || !Ipv4Cidr.TryParse(record.Source, allowBareAddress: true, out var source))
        {
            return null;
        }

        // Compared as networks, so "192.168.1.20" and "192.168.1.20/32" are the same source.
        var other = stored.FirstOrDefault(r =>
            r.Id != record.Id && r.Enabled && Ipv4Cidr.TryParse(r.Source, allowBareAddress: true, out var theirs)
            && theirs.Network == source.Network && theirs.PrefixLength == source.PrefixLength);
        return other is null
            ? null
            : Clash("source", $"The enabled policy route \"{other.Name}\" (id {other.Id}) routes {other.Source} already: a source leaves through one link.");
    }
}

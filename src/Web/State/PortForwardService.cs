using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;

namespace Gateway.Web.State;

/// <summary>Port forwards: validated against the current LAN, enabled forwards must not overlap (409).</summary>
public sealed class PortForwardService(StateWriter writer, DesiredStateCache snapshots)
    : ListService<PortForward, PortForwardEntity, PortForwardInput>(writer, snapshots)
{
    protected override string Noun => "port forward";

    protected override string? NeedsNetworkField => "internalAddress";

    protected override IReadOnlyList<PortForward> Pick(GatewayConfig config) => config.PortForwards;

    protected override PortForward? ToRecord(PortForwardInput input, int id, ValidationErrors errors, PortForward? stored) =>
        input.ToPortForward(id, errors, stored: stored);

    protected override void Validate(PortForward record, NetworkSettings? network, ValidationErrors errors) =>
        ConfigValidator.ValidatePortForward(record, network, errors);

    protected override PortForwardEntity NewEntity(PortForward record) => PortForwardEntity.From(record);

    protected override int RecordId(PortForward record) => record.Id;

    protected override Outcome<PortForward>? Conflict(PortForward record, IReadOnlyList<PortForward> stored)
    {
        var overlap = ConfigValidator.FindOverlap(record, stored);
        if (overlap < 0)
        {
            return null;
        }

        var other = stored[overlap];
        return Clash("externalPort", $"Overlaps the enabled port forward \"{other.Name}\" (id {other.Id}) on the same protocol and external ports.");
    }
}

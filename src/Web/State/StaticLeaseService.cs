using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;

namespace Gateway.Web.State;

/// <summary>
/// Static DHCP leases: checked against the current LAN; among enabled leases a MAC, an address and a name
/// (compared case-insensitively) each belong to one lease (409).
/// </summary>
public sealed class StaticLeaseService(StateWriter writer, DesiredStateCache snapshots)
    : ListService<StaticLease, StaticLeaseEntity, StaticLeaseInput>(writer, snapshots)
{
    protected override string Noun => "static lease";

    protected override string? NeedsNetworkField => "address";

    protected override IReadOnlyList<StaticLease> Pick(GatewayConfig config) => config.StaticLeases;

    protected override StaticLease? ToRecord(StaticLeaseInput input, int id, ValidationErrors errors, StaticLease? stored) => input.ToLease(id, errors);

    protected override void Validate(StaticLease record, NetworkSettings? network, ValidationErrors errors) =>
        ConfigValidator.ValidateStaticLease(record, network, errors);

    protected override StaticLeaseEntity NewEntity(StaticLease record) => StaticLeaseEntity.From(record);

    protected override int RecordId(StaticLease record) => record.Id;

    protected override Outcome<StaticLease>? Conflict(StaticLease record, IReadOnlyList<StaticLease> stored)
    {
        if (!record.Enabled)
        {
            return null;
        }

        foreach (var other in stored)
        {
            if (other.Id == record.Id || !other.Enabled)
            {
                continue;
            }

            if (other.Mac == record.Mac)
            {
                return Clash("mac", $"{record.Mac} already has the static lease \"{other.Name}\" (id {other.Id}).");
            }

            if (other.Address == record.Address)
            {
                return Clash("address", $"{record.Address} is already the static lease \"{other.Name}\" (id {other.Id}).");
            }

            if (string.Equals(other.Name, record.Name, StringComparison.OrdinalIgnoreCase))
            {
                return Clash("name", $"The name \"{record.Name}\" is already the static lease for {other.Mac} (id {other.Id}).");
            }
        }

        return null;
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>MAC filters (stored normalised, unique → 409 on a duplicate) and the MAC filter mode.</summary>
public sealed class MacFilterService(StateWriter writer, DesiredStateCache snapshots)
    : ListService<MacFilter, MacFilterEntity, MacFilterInput>(writer, snapshots)
{
    protected override string Noun => "MAC filter";

    protected override IReadOnlyList<MacFilter> Pick(GatewayConfig config) => config.MacFilters;

    protected override MacFilter? ToRecord(MacFilterInput input, int id, ValidationErrors errors, MacFilter? stored) => input.ToMacFilter(id, errors);

    protected override void Validate(MacFilter record, NetworkSettings? network, ValidationErrors errors) => ConfigValidator.ValidateMacFilter(record, errors);

    protected override MacFilterEntity NewEntity(MacFilter record) => MacFilterEntity.From(record);

    protected override int RecordId(MacFilter record) => record.Id;

    protected override Outcome<MacFilter>? Conflict(MacFilter record, IReadOnlyList<MacFilter> stored) =>
        stored.FirstOrDefault(m => m.Mac == record.Mac && m.Id != record.Id) is { } duplicate
            ? Clash("mac", $"{record.Mac} is already listed as \"{duplicate.Name}\" (id {duplicate.Id}).")
            : null;

    /// <summary>The entry listing <paramref name="mac"/> (normalised), if any; MACs are unique.</summary>
    public Task<MacFilter?> FindByMacAsync(string mac, CancellationToken ct = default) =>
        Writer.ReadAsync(async (db, c) => (await db.MacFilters.AsNoTracking().SingleOrDefaultAsync(m => m.Mac == mac, c))?.ToRecord(), ct);

    public Task<MacPolicy> GetPolicyAsync(CancellationToken ct = default) =>
        Writer.ReadAsync(async (db, c) => new MacPolicy((await db.MacPolicy.AsNoTracking().SingleAsync(c)).Mode), ct);

    public Task<Outcome<MacPolicy>> SetPolicyAsync(MacPolicy policy, CancellationToken ct = default)
    {
        if (policy is null || !Enum.IsDefined(policy.Mode))
        {
            return Task.FromResult(Outcome<MacPolicy>.Invalid("mode", "Must be off, deny-listed or allow-listed."));
        }

        return Writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.MacPolicy.SingleAsync(c);
            entity.Mode = policy.Mode;
            return Outcome<MacPolicy>.Ok(policy);
        }, ct);
    }
}

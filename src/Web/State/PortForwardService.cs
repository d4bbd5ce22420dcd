using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>Port forwards: validated against the current LAN, enabled forwards must not overlap (409).</summary>
public sealed class PortForwardService(StateWriter writer, DesiredStateCache snapshots)
{
    public Task<IReadOnlyList<PortForward>> ListAsync(CancellationToken ct = default) =>
        writer.ReadAsync(LoadAllAsync, ct);

    public Task<PortForward?> GetAsync(int id, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.PortForwards.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, c))?.ToRecord(), ct);

    public Task<Outcome<PortForward>> CreateAsync(PortForwardInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var checkedForward = await CheckAsync(db, 0, input, c);
            if (!checkedForward.Succeeded)
            {
                return checkedForward;
            }

            var entity = PortForwardEntity.From(checkedForward.Value!);
            db.PortForwards.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<PortForward>.Created(entity.ToRecord());
        }, ct, desiredState: true, wholeState: null, row: Row);

    public Task<Outcome<PortForward>> UpdateAsync(int id, PortForwardInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.PortForwards.SingleOrDefaultAsync(f => f.Id == id, c);
            if (entity is null)
            {
                return Outcome<PortForward>.NotFound($"No port forward with id {id}.");
            }

            var checkedForward = await CheckAsync(db, id, input, c, entity.ToRecord());
            if (!checkedForward.Succeeded)
            {
                return checkedForward;
            }

            entity.CopyFrom(checkedForward.Value!);
            return Outcome<PortForward>.Ok(entity.ToRecord());
        }, ct, desiredState: true, wholeState: null, row: Row);

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.PortForwards.Where(f => f.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound($"No port forward with id {id}.") : Outcome<bool>.Ok(true);
        }, ct, desiredState: true, wholeState: null, row: _ => new RowChange(typeof(PortForwardEntity), id, null, IdOf));

    /// <summary>Each write here changes exactly one row of the table: the cached list is patched, not read back (docs/profile.md).</summary>
    private static RowChange Row(PortForward forward) => new(typeof(PortForwardEntity), forward.Id, forward, IdOf);

    private static int IdOf(object forward) => ((PortForward)forward).Id;

    private static async Task<IReadOnlyList<PortForward>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.PortForwards.AsNoTracking().OrderBy(f => f.Id).ToListAsync(ct)).Select(f => f.ToRecord()).ToList();

    /// <summary>Input → record, field rules against the current LAN, then the overlap rule against the stored forwards.</summary>
    private async Task<Outcome<PortForward>> CheckAsync(GatewayDbContext db, int id, PortForwardInput input, CancellationToken ct, PortForward? stored = null)
    {
        var errors = new ValidationErrors();
        var forward = input.ToPortForward(id, errors, stored: stored);
        var network = (await db.Network.AsNoTracking().SingleOrDefaultAsync(ct))?.ToRecord();
        if (forward is not null)
        {
            ConfigValidator.ValidatePortForward(forward, network, errors);
        }

        if (network is null)
        {
            errors.Add("internalAddress", "Complete setup first: the LAN is not configured.");
        }

        if (!errors.IsValid)
        {
            return Outcome<PortForward>.Invalid(errors);
        }

        // Every forward, compared in memory: from the cached snapshot when it is current (a write holds the gate).
        var others = await snapshots.ListForWriterAsync<PortForward>(db, typeof(PortForwardEntity), ct);
        var overlap = ConfigValidator.FindOverlap(forward!, others);
        if (overlap >= 0)
        {
            var other = others[overlap];
            var message = $"Overlaps the enabled port forward \"{other.Name}\" (id {other.Id}) on the same protocol and external ports.";
            return Outcome<PortForward>.Conflict(message, new Dictionary<string, string[]> { ["externalPort"] = [message] });
        }

        return Outcome<PortForward>.Ok(forward!);
    }
}

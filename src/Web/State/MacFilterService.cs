using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>MAC filters (stored normalised, unique → 409 on a duplicate) and the MAC filter mode.</summary>
public sealed class MacFilterService(StateWriter writer)
{
    public Task<IReadOnlyList<MacFilter>> ListAsync(CancellationToken ct = default) =>
        writer.ReadAsync<IReadOnlyList<MacFilter>>(
            async (db, c) => (await db.MacFilters.AsNoTracking().OrderBy(m => m.Id).ToListAsync(c)).Select(m => m.ToRecord()).ToList(), ct);

    public Task<MacFilter?> GetAsync(int id, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.MacFilters.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, c))?.ToRecord(), ct);

    /// <summary>The entry listing <paramref name="mac"/> (normalised), if any; MACs are unique.</summary>
    public Task<MacFilter?> FindByMacAsync(string mac, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.MacFilters.AsNoTracking().SingleOrDefaultAsync(m => m.Mac == mac, c))?.ToRecord(), ct);

    public Task<Outcome<MacFilter>> CreateAsync(MacFilterInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var checkedFilter = await CheckAsync(db, 0, input, c);
            if (!checkedFilter.Succeeded)
            {
                return checkedFilter;
            }

            var entity = MacFilterEntity.From(checkedFilter.Value!);
            db.MacFilters.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<MacFilter>.Created(entity.ToRecord());
        }, ct);

    public Task<Outcome<MacFilter>> UpdateAsync(int id, MacFilterInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.MacFilters.SingleOrDefaultAsync(m => m.Id == id, c);
            if (entity is null)
            {
                return Outcome<MacFilter>.NotFound($"No MAC filter with id {id}.");
            }

            var checkedFilter = await CheckAsync(db, id, input, c);
            if (!checkedFilter.Succeeded)
            {
                return checkedFilter;
            }

            entity.CopyFrom(checkedFilter.Value!);
            return Outcome<MacFilter>.Ok(entity.ToRecord());
        }, ct);

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.MacFilters.Where(m => m.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound($"No MAC filter with id {id}.") : Outcome<bool>.Ok(true);
        }, ct);

    public Task<MacPolicy> GetPolicyAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => new MacPolicy((await db.MacPolicy.AsNoTracking().SingleAsync(c)).Mode), ct);

    public Task<Outcome<MacPolicy>> SetPolicyAsync(MacPolicy policy, CancellationToken ct = default)
    {
        if (policy is null || !Enum.IsDefined(policy.Mode))
        {
            return Task.FromResult(Outcome<MacPolicy>.Invalid("mode", "Must be off, deny-listed or allow-listed."));
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.MacPolicy.SingleAsync(c);
            entity.Mode = policy.Mode;
            return Outcome<MacPolicy>.Ok(policy);
        }, ct);
    }

    private static async Task<Outcome<MacFilter>> CheckAsync(GatewayDbContext db, int id, MacFilterInput input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var filter = input.ToMacFilter(id, errors);
        if (filter is not null)
        {
            ConfigValidator.ValidateMacFilter(filter, errors);
        }

        if (!errors.IsValid)
        {
            return Outcome<MacFilter>.Invalid(errors);
        }

        var duplicate = await db.MacFilters.AsNoTracking().FirstOrDefaultAsync(m => m.Mac == filter!.Mac && m.Id != id, ct);
        if (duplicate is not null)
        {
            var message = $"{filter!.Mac} is already listed as \"{duplicate.Name}\" (id {duplicate.Id}).";
            return Outcome<MacFilter>.Conflict(message, new Dictionary<string, string[]> { ["mac"] = [message] });
        }

        return Outcome<MacFilter>.Ok(filter!);
    }
}

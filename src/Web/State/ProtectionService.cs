using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>DoS limits and the WAN defaults (one row).</summary>
public sealed class ProtectionService(StateWriter writer)
{
    public Task<Protection> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Protection.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public Task<Outcome<Protection>> UpdateAsync(ProtectionInput input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var protection = input?.ToProtection();
        ConfigValidator.ValidateProtection(protection, errors);
        if (!errors.IsValid)
        {
            return Task.FromResult(Outcome<Protection>.Invalid(errors));
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.Protection.SingleAsync(c);
            entity.CopyFrom(protection!);
            return Outcome<Protection>.Ok(entity.ToRecord());
        }, ct);
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>The conntrack helpers for connections LAN clients open to the WAN (one row).</summary>
public sealed class HelpersService(StateWriter writer)
{
    public Task<HelperSettings> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Helpers.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public Task<Outcome<HelperSettings>> UpdateAsync(HelpersInput input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var helpers = input?.ToSettings();
        // The body's field is "outbound", not "helpers.outbound" as in a whole-config restore.
        ConfigValidator.ValidateHelpers(helpers, errors, prefix: "");
        if (!errors.IsValid)
        {
            return Task.FromResult(Outcome<HelperSettings>.Invalid(errors));
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.Helpers.SingleAsync(c);
            entity.CopyFrom(helpers!);
            return Outcome<HelperSettings>.Ok(entity.ToRecord());
        }, ct);
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>The firewall logging policy (one row).</summary>
public sealed class LoggingService(StateWriter writer)
{
    public Task<LoggingPolicy> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Logging.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public Task<Outcome<LoggingPolicy>> SetAsync(LoggingPolicy policy, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateLogging(policy, errors);
        if (!errors.IsValid)
        {
            return Task.FromResult(Outcome<LoggingPolicy>.Invalid(errors));
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.Logging.SingleAsync(c);
            entity.CopyFrom(policy);
            return Outcome<LoggingPolicy>.Ok(entity.ToRecord());
        }, ct);
    }
}

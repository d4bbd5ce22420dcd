using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>WAN/LAN settings. A LAN change must keep every stored forward's internal address inside the LAN.</summary>
public sealed class NetworkService(StateWriter writer)
{
    public Task<NetworkSettings?> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Network.AsNoTracking().SingleOrDefaultAsync(c))?.ToRecord(), ct);

    public Task<Outcome<NetworkSettings>> SetAsync(NetworkSettings settings, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        ConfigValidator.ValidateNetwork(settings, errors);
        if (!errors.IsValid)
        {
            return Task.FromResult(Outcome<NetworkSettings>.Invalid(errors));
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.Network.SingleOrDefaultAsync(c);
            if (entity is null)
            {
                return Outcome<NetworkSettings>.Conflict("Complete setup first.");
            }

            var stranded = new List<string>();
            foreach (var forward in await db.PortForwards.AsNoTracking().OrderBy(f => f.Id).ToListAsync(c))
            {
                var forwardErrors = new ValidationErrors();
                ConfigValidator.ValidatePortForward(forward.ToRecord(), settings, forwardErrors);
                if (forwardErrors.Has("internalAddress"))
                {
                    stranded.Add($"\"{forward.Name}\" (id {forward.Id}, {forward.InternalAddress})");
                }
            }

            if (stranded.Count > 0)
            {
                var message = $"The new LAN would leave these port forwards outside it: {string.Join(", ", stranded)}. Change or delete them first.";
                return Outcome<NetworkSettings>.Conflict(message, new Dictionary<string, string[]> { ["lanAddress"] = [message] });
            }

            entity.CopyFrom(settings);
            return Outcome<NetworkSettings>.Ok(entity.ToRecord());
        }, ct);
    }
}

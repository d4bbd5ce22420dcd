using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>The UPnP settings (one row). With UPnP on, LAN programs open ports: a panel save with it on is risky.</summary>
public sealed class UpnpService(StateWriter writer)
{
    public Task<UpnpSettings> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Upnp.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public async Task<Outcome<UpnpSettings>> UpdateAsync(UpnpInput? input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var upnp = input?.ToSettings() ?? UpnpSettings.Default;
        var network = await writer.ReadAsync(async (db, c) => (await db.Network.AsNoTracking().SingleOrDefaultAsync(c))?.ToRecord(), ct);
        // The body's fields are "enabled", "deniedPorts[2]" …, not "upnp.…" as in a whole-config restore.
        ConfigValidator.ValidateUpnp(upnp, network, errors, prefix: "");
        if (!errors.IsValid)
        {
            return Outcome<UpnpSettings>.Invalid(errors);
        }

        // Any save with UPnP on may open ports (turning it on, widening the allowed ports, leaving secure mode).
        return await writer.WriteAsync(
            async (db, c) =>
            {
                var entity = await db.Upnp.SingleAsync(c);
                entity.CopyFrom(upnp);
                return Outcome<UpnpSettings>.Ok(entity.ToRecord());
            },
            ct,
            risky: upnp.Enabled);
    }
}

/// <summary>PUT /api/v1/upnp: a missing field takes its default (off, secure, 1024-65535, the usual denied ports, a day).</summary>
public sealed record UpnpInput(bool? Enabled, bool? SecureMode, string? AllowedPorts, IReadOnlyList<PortSpan>? DeniedPorts, int? LeaseSeconds)
{
    public UpnpSettings ToSettings() => new(
        Enabled ?? false,
        SecureMode ?? true,
        AllowedPorts ?? UpnpSettings.DefaultAllowedPorts,
        DeniedPorts,
        LeaseSeconds ?? UpnpSettings.DefaultLeaseSeconds);

    public static UpnpInput From(UpnpSettings upnp) => new(upnp.Enabled, upnp.SecureMode, upnp.AllowedPorts, upnp.DeniedPorts, upnp.LeaseSeconds);
}

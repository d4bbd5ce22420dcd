using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>DHCP for the LAN (one row), checked against the stored LAN.</summary>
public sealed class DhcpService(StateWriter writer)
{
    public Task<DhcpSettings> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Dhcp.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public Task<Outcome<DhcpSettings>> UpdateAsync(DhcpInput? input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var network = (await db.Network.AsNoTracking().SingleOrDefaultAsync(c))?.ToRecord();
            if (network is null)
            {
                return Outcome<DhcpSettings>.Conflict("Complete setup first.");
            }

            var errors = new ValidationErrors();
            var dhcp = input?.ToSettings(network.LanAddress);
            ConfigValidator.ValidateDhcp(dhcp, network, errors);
            if (!errors.IsValid)
            {
                return Outcome<DhcpSettings>.Invalid(errors);
            }

            var entity = await db.Dhcp.SingleAsync(c);
            entity.CopyFrom(dhcp!);
            return Outcome<DhcpSettings>.Ok(entity.ToRecord());
        }, ct);
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// WAN/LAN settings. A LAN change must keep every stored forward, 1:1 entry, policy route and static lease valid for
/// the new LAN; it moves the DHCP range with it.
/// </summary>
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

            // The uplink the agent brings up, and miniupnpd, each need one named link: refused here rather than by the
            // agent's whole-config check after the write, which would leave the change stored and never applied.
            if (settings.WanInterface.EndsWith('*') && (await db.Wan.AsNoTracking().SingleAsync(c)).Mode != WanMode.Unmanaged)
            {
                var wildcard = new ValidationErrors();
                wildcard.Add("wanInterface", ConfigValidator.WildcardWanMessage + " Set the WAN mode to unmanaged first.");
                return Outcome<NetworkSettings>.Invalid(wildcard);
            }

            if (settings.WanInterface.EndsWith('*') && (await db.Upnp.AsNoTracking().SingleAsync(c)).Enabled)
            {
                var wildcard = new ValidationErrors();
                wildcard.Add("wanInterface", "UPnP needs one WAN link by name. Turn UPnP off first.");
                return Outcome<NetworkSettings>.Invalid(wildcard);
            }

            var stranded = new List<string>();
            foreach (var forward in await db.PortForwards.AsNoTracking().OrderBy(f => f.Id).ToListAsync(c))
            {
                var forwardErrors = new ValidationErrors();
                ConfigValidator.ValidatePortForward(forward.ToRecord(), settings, forwardErrors);
                if (forwardErrors.Has("internalAddress"))
                {
                    stranded.Add($"port forward \"{forward.Name}\" (id {forward.Id}, {forward.InternalAddress})");
                }
            }

            // 1:1 entries and policy routes are tied to the LAN too: internal hosts and sources inside it, external
            // addresses outside it, and no route out through the LAN link.
            foreach (var entry in await ListTable.LoadByIdAsync<OneToOneEntity, OneToOneNat>(db, c))
            {
                var entryErrors = new ValidationErrors();
                ConfigValidator.ValidateOneToOne(entry, settings, entryErrors);
                if (!entryErrors.IsValid)
                {
                    stranded.Add($"1:1 entry \"{entry.Name}\" (id {entry.Id}, {entry.ExternalAddress} → {entry.InternalAddress})");
                }
            }

            foreach (var route in await ListTable.LoadByIdAsync<PolicyRouteEntity, PolicyRoute>(db, c))
            {
                var routeErrors = new ValidationErrors();
                ConfigValidator.ValidatePolicyRoute(route, settings, routeErrors);
                if (!routeErrors.IsValid)
                {
                    stranded.Add($"policy route \"{route.Name}\" (id {route.Id}, {route.Source} via {route.OutInterface})");
                }
            }

            // A static lease is one LAN host: outside the new LAN it strands like a forward. The DHCP range never
            // strands: it moves to the same host numbers in the new LAN (clipped there).
            foreach (var lease in await ListTable.LoadByIdAsync<StaticLeaseEntity, StaticLease>(db, c))
            {
                var leaseErrors = new ValidationErrors();
                ConfigValidator.ValidateStaticLease(lease, settings, leaseErrors);
                if (!leaseErrors.IsValid)
                {
                    stranded.Add($"static lease \"{lease.Name}\" (id {lease.Id}, {lease.Address})");
                }
            }

            if (stranded.Count > 0)
            {
                var message = $"The new LAN would leave these outside it or no longer valid: {string.Join(", ", stranded)}. Change or delete them first.";
                return Outcome<NetworkSettings>.Conflict(message, new Dictionary<string, string[]> { ["lanAddress"] = [message] });
            }

            if (entity.LanAddress != settings.LanAddress)
            {
                var dhcp = await db.Dhcp.SingleAsync(c);
                var moved = dhcp.ToRecord() is { RangeStart: null, RangeEnd: null } unset ? unset : dhcp.ToRecord().MovedTo(entity.LanAddress, settings.LanAddress);
                dhcp.CopyFrom(moved);
            }

            entity.CopyFrom(Canonical(settings));
            return Outcome<NetworkSettings>.Ok(entity.ToRecord());
        }, ct);
    }

    /// <summary>
    /// A valid static <c>lanIpv6</c> in RFC 5952 text ("2001:DB8:1:0::1/64" → "2001:db8:1::1/64"), so what is stored,
    /// shown and compared is one spelling. Pinholes don't strand when IPv6 goes off: they stay stored and apply again
    /// when it comes back, so turning IPv6 off (the closed state) is never refused.
    /// </summary>
    internal static NetworkSettings Canonical(NetworkSettings settings) =>
        settings.LanIpv6 is { } v6 && v6 != NetworkSettings.Ipv6Auto && Ipv6Cidr.TryParse(v6, allowBareAddress: false, out var cidr)
            ? settings with { LanIpv6 = cidr.ToString() }
            : settings;
}

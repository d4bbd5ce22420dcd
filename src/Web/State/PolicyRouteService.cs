using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>Source-based routes: validated against the current LAN; an enabled source takes one route (409).</summary>
public sealed class PolicyRouteService(StateWriter writer)
{
    public Task<IReadOnlyList<PolicyRoute>> ListAsync(CancellationToken ct = default) => writer.ReadAsync(LoadAllAsync, ct);

    public Task<PolicyRoute?> GetAsync(int id, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.PolicyRoutes.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, c))?.ToRecord(), ct);

    public Task<Outcome<PolicyRoute>> CreateAsync(PolicyRouteInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var checkedRoute = await CheckAsync(db, 0, input, c);
            if (!checkedRoute.Succeeded)
            {
                return checkedRoute;
            }

            var entity = PolicyRouteEntity.From(checkedRoute.Value!);
            db.PolicyRoutes.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<PolicyRoute>.Created(entity.ToRecord());
        }, ct);

    public Task<Outcome<PolicyRoute>> UpdateAsync(int id, PolicyRouteInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.PolicyRoutes.SingleOrDefaultAsync(r => r.Id == id, c);
            if (entity is null)
            {
                return Outcome<PolicyRoute>.NotFound(NoSuchRoute(id));
            }

            var checkedRoute = await CheckAsync(db, id, input, c);
            if (!checkedRoute.Succeeded)
            {
                return checkedRoute;
            }

            entity.CopyFrom(checkedRoute.Value!);
            return Outcome<PolicyRoute>.Ok(entity.ToRecord());
        }, ct);

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.PolicyRoutes.Where(r => r.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound(NoSuchRoute(id)) : Outcome<bool>.Ok(true);
        }, ct);

    internal static async Task<IReadOnlyList<PolicyRoute>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.PolicyRoutes.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct)).Select(r => r.ToRecord()).ToList();

    /// <summary>Input → record, field rules against the current LAN, then one enabled route per source.</summary>
    private static async Task<Outcome<PolicyRoute>> CheckAsync(GatewayDbContext db, int id, PolicyRouteInput? input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", "A policy route is required.");
            return Outcome<PolicyRoute>.Invalid(errors);
        }

        var route = input.ToRoute(id, errors);
        var network = (await db.Network.AsNoTracking().SingleOrDefaultAsync(ct))?.ToRecord();
        if (route is not null)
        {
            ConfigValidator.ValidatePolicyRoute(route, network, errors);
        }

        if (network is null)
        {
            errors.Add("source", "Complete setup first: the LAN is not configured.");
        }

        if (!errors.IsValid)
        {
            return Outcome<PolicyRoute>.Invalid(errors);
        }

        if (route!.Enabled && Ipv4Cidr.TryParse(route.Source, allowBareAddress: true, out var source))
        {
            // Compared as networks, so "192.168.1.20" and "192.168.1.20/32" are the same source.
            var other = (await LoadAllAsync(db, ct)).FirstOrDefault(r =>
                r.Id != id && r.Enabled && Ipv4Cidr.TryParse(r.Source, allowBareAddress: true, out var theirs)
                && theirs.Network == source.Network && theirs.PrefixLength == source.PrefixLength);
            if (other is not null)
            {
                var message = $"The enabled policy route \"{other.Name}\" (id {other.Id}) routes {other.Source} already: a source leaves through one link.";
                return Outcome<PolicyRoute>.Conflict(message, new Dictionary<string, string[]> { ["source"] = [message] });
            }
        }

        return Outcome<PolicyRoute>.Ok(route);
    }

    private static string NoSuchRoute(int id) => $"No policy route with id {id}.";
}

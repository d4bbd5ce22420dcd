using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// IPv6 pinholes. They need nothing of the LAN to be checked and may be stored while IPv6 is off (they apply only while
/// <c>network.lanIpv6</c> is set). Among enabled pinholes, two for the same host (same suffix, or same MAC), an
/// overlapping protocol and overlapping ports are one opening written twice: 409.
/// </summary>
public sealed class PinholeService(StateWriter writer)
{
    public Task<IReadOnlyList<Pinhole>> ListAsync(CancellationToken ct = default) => writer.ReadAsync(LoadAllAsync, ct);

    public Task<Pinhole?> GetAsync(int id, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Pinholes.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, c))?.ToRecord(), ct);

    public Task<Outcome<Pinhole>> CreateAsync(PinholeInput input, CancellationToken ct = default)
    {
        var checkedPinhole = Check(0, input);
        if (!checkedPinhole.Succeeded)
        {
            return Task.FromResult(checkedPinhole);
        }

        return writer.WriteAsync(async (db, c) =>
        {
            if (await ClashAsync(db, checkedPinhole.Value!, c) is { } clash)
            {
                return clash;
            }

            var entity = PinholeEntity.From(checkedPinhole.Value!);
            db.Pinholes.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<Pinhole>.Created(entity.ToRecord());
        }, ct);
    }

    public Task<Outcome<Pinhole>> UpdateAsync(int id, PinholeInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            // Not found before invalid, like the other resources.
            var entity = await db.Pinholes.SingleOrDefaultAsync(p => p.Id == id, c);
            if (entity is null)
            {
                return Outcome<Pinhole>.NotFound(NoSuchPinhole(id));
            }

            var checkedPinhole = Check(id, input);
            if (!checkedPinhole.Succeeded)
            {
                return checkedPinhole;
            }

            if (await ClashAsync(db, checkedPinhole.Value!, c) is { } clash)
            {
                return clash;
            }

            entity.CopyFrom(checkedPinhole.Value!);
            return Outcome<Pinhole>.Ok(entity.ToRecord());
        }, ct);

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.Pinholes.Where(p => p.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound(NoSuchPinhole(id)) : Outcome<bool>.Ok(true);
        }, ct);

    internal static async Task<IReadOnlyList<Pinhole>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.Pinholes.AsNoTracking().OrderBy(p => p.Id).ToListAsync(ct)).Select(p => p.ToRecord()).ToList();

    /// <summary>
    /// True when both are enabled and open the same thing twice: the same host (suffix or MAC, compared as parsed),
    /// a protocol in common and overlapping port ranges. A suffix and a MAC may name the same host; that is not
    /// knowable here, so it is not a clash.
    /// </summary>
    public static bool Overlaps(Pinhole a, Pinhole b)
    {
        if (!a.Enabled || !b.Enabled)
        {
            return false;
        }

        var sameHost = (a.HostSuffix, b.HostSuffix) is ({ } x, { } y)
            ? Ipv6.TryParseSuffix(x, out var p) && Ipv6.TryParseSuffix(y, out var q) && p == q
            : (a.Mac, b.Mac) is ({ } m, { } n) && MacAddress.TryNormalize(m, out var mn) && MacAddress.TryNormalize(n, out var nn) && mn == nn;
        var sharedProtocol = a.Protocol == b.Protocol || a.Protocol == ForwardProtocol.Both || b.Protocol == ForwardProtocol.Both;
        var ports = a.Port <= (b.PortEnd ?? b.Port) && b.Port <= (a.PortEnd ?? a.Port);
        return sameHost && sharedProtocol && ports;
    }

    /// <summary>The clash message naming the stored (or earlier) pinhole <paramref name="other"/>.</summary>
    public static string ClashMessage(Pinhole other) =>
        $"The enabled pinhole \"{other.Name}\" (id {other.Id}) opens {other.Protocol.ToString().ToLowerInvariant()} port {Ports(other)} to {other.HostSuffix ?? other.Mac} already: change that one, or pick other ports.";

    private static string Ports(Pinhole pinhole) => pinhole.PortEnd is { } end && end != pinhole.Port ? $"{pinhole.Port}–{end}" : $"{pinhole.Port}";

    private static async Task<Outcome<Pinhole>?> ClashAsync(GatewayDbContext db, Pinhole pinhole, CancellationToken ct)
    {
        foreach (var other in await LoadAllAsync(db, ct))
        {
            if (other.Id != pinhole.Id && Overlaps(other, pinhole))
            {
                var message = ClashMessage(other);
                return Outcome<Pinhole>.Conflict(message, new Dictionary<string, string[]> { ["port"] = [message] });
            }
        }

        return null;
    }

    private static Outcome<Pinhole> Check(int id, PinholeInput? input)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", "A pinhole is required.");
            return Outcome<Pinhole>.Invalid(errors);
        }

        var pinhole = input.ToPinhole(id, errors);
        if (pinhole is not null)
        {
            ConfigValidator.ValidatePinhole(pinhole, errors);
        }

        return errors.IsValid ? Outcome<Pinhole>.Ok(pinhole!) : Outcome<Pinhole>.Invalid(errors);
    }

    private static string NoSuchPinhole(int id) => $"No pinhole with id {id}.";
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// 1:1 NAT entries: validated against the current LAN; among enabled entries an external address and an internal
/// host each appear once (409), and an external address the router already holds, not put there by the agent, is 409.
/// </summary>
public sealed class OneToOneService(StateWriter writer, AgentLink link)
{
    public Task<IReadOnlyList<OneToOneNat>> ListAsync(CancellationToken ct = default) => writer.ReadAsync(LoadAllAsync, ct);

    public Task<OneToOneNat?> GetAsync(int id, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.OneToOne.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, c))?.ToRecord(), ct);

    public async Task<Outcome<OneToOneNat>> CreateAsync(OneToOneInput input, CancellationToken ct = default)
    {
        if (await PrecheckAsync(0, input, ct) is { } failed)
        {
            return failed;
        }

        return await writer.WriteAsync(async (db, c) =>
        {
            var checkedEntry = await CheckAsync(db, 0, input, c);
            if (!checkedEntry.Succeeded)
            {
                return checkedEntry;
            }

            var entity = OneToOneEntity.From(checkedEntry.Value!);
            db.OneToOne.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<OneToOneNat>.Created(entity.ToRecord());
        }, ct);
    }

    public async Task<Outcome<OneToOneNat>> UpdateAsync(int id, OneToOneInput input, CancellationToken ct = default)
    {
        if (await PrecheckAsync(id, input, ct) is { } failed)
        {
            return failed;
        }

        return await writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.OneToOne.SingleOrDefaultAsync(e => e.Id == id, c);
            if (entity is null)
            {
                return Outcome<OneToOneNat>.NotFound(NoSuchEntry(id));
            }

            var checkedEntry = await CheckAsync(db, id, input, c);
            if (!checkedEntry.Succeeded)
            {
                return checkedEntry;
            }

            entity.CopyFrom(checkedEntry.Value!);
            return Outcome<OneToOneNat>.Ok(entity.ToRecord());
        }, ct);
    }

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.OneToOne.Where(e => e.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound(NoSuchEntry(id)) : Outcome<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// The stored checks, then the question to the agent — outside the write transaction, so a slow agent never
    /// holds the database's write lock. The stored checks run again inside the transaction.
    /// </summary>
    private async Task<Outcome<OneToOneNat>?> PrecheckAsync(int id, OneToOneInput input, CancellationToken ct)
    {
        var checkedEntry = await writer.ReadAsync(async (db, c) =>
            id != 0 && !await db.OneToOne.AnyAsync(e => e.Id == id, c)
                ? Outcome<OneToOneNat>.NotFound(NoSuchEntry(id))
                : await CheckAsync(db, id, input, c), ct);
        if (!checkedEntry.Succeeded)
        {
            return checkedEntry;
        }

        return await HeldByTheRouterAsync(checkedEntry.Value!, ct);
    }

    /// <summary>
    /// An enabled entry's external address must not be one the router already holds on a link (its WAN address,
    /// an alias someone configured): redirecting all of it to a LAN host would take it from the router, and turning
    /// the entry off would not give it back. Nor one another host holds there (the link's gateway, an address in the
    /// router's neighbour table). Addresses the agent added for 1:1 entries are fine. Without the agent
    /// the router's addresses are unknown, so the check is skipped rather than refusing every write while it restarts.
    /// </summary>
    internal async Task<Outcome<OneToOneNat>?> HeldByTheRouterAsync(OneToOneNat entry, CancellationToken ct)
    {
        if (!entry.Enabled || !Ipv4.TryParse(entry.ExternalAddress, out var external))
        {
            return null;
        }

        Shared.Protocol.InterfacesReply reply;
        try
        {
            reply = await link.GetInterfacesReplyAsync(ct);
        }
        catch (AgentUnavailableException)
        {
            return null;
        }

        if ((reply.AgentAddresses ?? []).Any(a => Ipv4.TryParse(a.Split('/')[0], out var ours) && ours == external))
        {
            return null;
        }

        foreach (var linkInfo in reply.Interfaces ?? [])
        {
            foreach (var address in linkInfo.Addresses ?? [])
            {
                if (Ipv4.TryParse(address.Split('/')[0], out var held) && held == external)
                {
                    var message = $"{entry.ExternalAddress} is already on the router's link {linkInfo.Name}, and Gateway did not put it there: use another address, or remove it from the link first.";
                    return Outcome<OneToOneNat>.Conflict(message, new Dictionary<string, string[]> { ["externalAddress"] = [message] });
                }
            }

            // Another host's address on that link (the uplink's gateway, a neighbour): answering ARP for it would take it.
            var other = linkInfo.Gateway == entry.ExternalAddress ? "the gateway of"
                : (linkInfo.Neighbours ?? []).Contains(entry.ExternalAddress) ? "answered for by another host on"
                : null;
            if (other is not null)
            {
                var message = $"{entry.ExternalAddress} is {other} the router's link {linkInfo.Name}: use an address nobody else holds.";
                return Outcome<OneToOneNat>.Conflict(message, new Dictionary<string, string[]> { ["externalAddress"] = [message] });
            }
        }

        return null;
    }

    internal static async Task<IReadOnlyList<OneToOneNat>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.OneToOne.AsNoTracking().OrderBy(e => e.Id).ToListAsync(ct)).Select(e => e.ToRecord()).ToList();

    /// <summary>Input → record, field rules against the current LAN, then uniqueness among the enabled entries.</summary>
    private static async Task<Outcome<OneToOneNat>> CheckAsync(GatewayDbContext db, int id, OneToOneInput? input, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", "A 1:1 NAT entry is required.");
            return Outcome<OneToOneNat>.Invalid(errors);
        }

        var entry = input.ToEntry(id, errors);
        var network = (await db.Network.AsNoTracking().SingleOrDefaultAsync(ct))?.ToRecord();
        if (entry is not null)
        {
            ConfigValidator.ValidateOneToOne(entry, network, errors);
        }

        if (network is null)
        {
            errors.Add("internalAddress", "Complete setup first: the LAN is not configured.");
        }

        if (!errors.IsValid)
        {
            return Outcome<OneToOneNat>.Invalid(errors);
        }

        if (!entry!.Enabled)
        {
            return Outcome<OneToOneNat>.Ok(entry);
        }

        foreach (var other in await LoadAllAsync(db, ct))
        {
            if (other.Id == id || !other.Enabled)
            {
                continue;
            }

            if (SameAddress(other.ExternalAddress, entry.ExternalAddress))
            {
                return Clash("externalAddress", $"The enabled 1:1 entry \"{other.Name}\" (id {other.Id}) uses external address {other.ExternalAddress} already.");
            }

            if (SameAddress(other.InternalAddress, entry.InternalAddress))
            {
                return Clash("internalAddress", $"The enabled 1:1 entry \"{other.Name}\" (id {other.Id}) maps {other.InternalAddress} already: a host leaves as one address.");
            }
        }

        return Outcome<OneToOneNat>.Ok(entry);
    }

    private static bool SameAddress(string a, string b) => Ipv4.TryParse(a, out var x) && Ipv4.TryParse(b, out var y) && x == y;

    private static Outcome<OneToOneNat> Clash(string field, string message) =>
        Outcome<OneToOneNat>.Conflict(message, new Dictionary<string, string[]> { [field] = [message] });

    private static string NoSuchEntry(int id) => $"No 1:1 NAT entry with id {id}.";
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>
/// 1:1 NAT entries: validated against the current LAN; among enabled entries an external address and an internal
/// host each appear once (409), and an external address the router already holds, not put there by the agent, is 409.
/// </summary>
public sealed class OneToOneService(StateWriter writer, DesiredStateCache snapshots, AgentClient link)
    : ListService<OneToOneNat, OneToOneEntity, OneToOneInput>(writer, snapshots)
{
    protected override string Noun => "1:1 NAT entry";

    protected override string? NeedsNetworkField => "internalAddress";

    protected override IReadOnlyList<OneToOneNat> Pick(GatewayConfig config) => config.OneToOne;

    protected override OneToOneNat? ToRecord(OneToOneInput input, int id, ValidationErrors errors, OneToOneNat? stored) => input.ToEntry(id, errors);

    protected override void Validate(OneToOneNat record, NetworkSettings? network, ValidationErrors errors) =>
        ConfigValidator.ValidateOneToOne(record, network, errors);

    protected override OneToOneEntity NewEntity(OneToOneNat record) => OneToOneEntity.From(record);

    protected override int RecordId(OneToOneNat record) => record.Id;

    /// <summary>Among enabled entries an external address and an internal host each appear once.</summary>
    protected override Outcome<OneToOneNat>? Conflict(OneToOneNat record, IReadOnlyList<OneToOneNat> stored)
    {
        if (!record.Enabled)
        {
            return null;
        }

        foreach (var other in stored)
        {
            if (other.Id == record.Id || !other.Enabled)
            {
                continue;
            }

            if (SameAddress(other.ExternalAddress, record.ExternalAddress))
            {
                return Clash("externalAddress", $"The enabled 1:1 entry \"{other.Name}\" (id {other.Id}) uses external address {other.ExternalAddress} already.");
            }

            if (SameAddress(other.InternalAddress, record.InternalAddress))
            {
                return Clash("internalAddress", $"The enabled 1:1 entry \"{other.Name}\" (id {other.Id}) maps {other.InternalAddress} already: a host leaves as one address.");
            }
        }

        return null;
    }

    /// <summary>
    /// The stored checks, then the question to the agent — outside the write transaction, so a slow agent never
    /// holds the database's write lock. The stored checks run again inside the transaction.
    /// </summary>
    protected override async Task<Outcome<OneToOneNat>?> PrecheckAsync(int id, OneToOneInput input, CancellationToken ct)
    {
        var checkedEntry = await Writer.ReadAsync(async (db, c) =>
            id != 0 && !await db.OneToOne.AnyAsync(e => e.Id == id, c)
                ? Outcome<OneToOneNat>.NotFound(NotFoundMessage(id))
                : await CheckAsync(db, id, input, stored: null, c), ct);
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

    private static bool SameAddress(string a, string b) => Ipv4.TryParse(a, out var x) && Ipv4.TryParse(b, out var y) && x == y;
}

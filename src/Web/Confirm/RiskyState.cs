using System.Text.Json;
using Gateway.Shared.Config;
using Gateway.Web.Data;
using Gateway.Web.State;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.Confirm;

/// <summary>
/// The part of the desired state that can cut the owner off from the router: the interfaces and LAN addresses, the MAC
/// policy and filters, the input rules, the protection settings and the uplink's mode. A panel write that changes it is risky.
/// </summary>
internal static class RiskyState
{
    private sealed record Shape(
        string Wan,
        string Lan,
        string LanAddress,
        string? LanIpv6,
        MacFilterMode MacMode,
        IReadOnlyList<MacFilter> MacFilters,
        IReadOnlyList<TrafficRule> InputRules,
        Protection Protection,
        WanMode WanMode);

    /// <summary>That part as JSON text, or null before setup (no network yet: nothing to be cut off from).</summary>
    public static async Task<string?> ReadAsync(GatewayDbContext db, CancellationToken ct)
    {
        var network = await db.Network.AsNoTracking().SingleOrDefaultAsync(ct);
        if (network is null)
        {
            return null;
        }

        var macs = await db.MacFilters.AsNoTracking().OrderBy(m => m.Id).ToListAsync(ct);
        var mode = (await db.MacPolicy.AsNoTracking().SingleAsync(ct)).Mode;
        var rules = await RuleService.LoadAllAsync(db, ct);
        var protection = (await db.Protection.AsNoTracking().SingleAsync(ct)).ToRecord();
        // The uplink's mode: a wrong one loses the WAN, and with it a remote owner.
        var wanMode = (await db.Wan.AsNoTracking().SingleAsync(ct)).Mode;
        var shape = new Shape(
            network.WanInterface,
            network.LanInterface,
            network.LanAddress,
            network.LanIpv6,
            mode,
            [.. macs.Select(m => m.ToRecord())],
            [.. rules.Where(r => r.Chain == RuleChain.Input)],
            protection,
            wanMode);
        return JsonSerializer.Serialize(shape, JsonSerializerOptions.Web);
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// The uplink's settings (one row), checked against the stored interfaces and LAN. A mode change is risky from the
/// panel (<see cref="Confirm.RiskyState"/> holds the mode): it is applied commit-confirmed.
/// </summary>
public sealed class WanService(StateWriter writer)
{
    public Task<WanSettings> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Wan.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public Task<Outcome<WanSettings>> UpdateAsync(WanInput? input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var network = (await db.Network.AsNoTracking().SingleOrDefaultAsync(c))?.ToRecord();
            if (network is null)
            {
                return Outcome<WanSettings>.Conflict("Complete setup first.");
            }

            var errors = new ValidationErrors();
            var wan = input?.ToSettings();
            ConfigValidator.ValidateWan(wan, network, errors);
            if (!errors.IsValid)
            {
                return Outcome<WanSettings>.Invalid(errors);
            }

            var entity = await db.Wan.SingleAsync(c);
            entity.CopyFrom(Canonical(wan!));
            return Outcome<WanSettings>.Ok(entity.ToRecord());
        }, ct);

    /// <summary>Valid settings with addresses in one spelling (IPv6 DNS servers in RFC 5952 text).</summary>
    internal static WanSettings Canonical(WanSettings wan) => wan with
    {
        Address = wan.Address is { } a && Ipv4Cidr.TryParse(a, false, out var cidr) ? cidr.ToString() : wan.Address,
        Dns = wan.Dns.Select(d => !Ipv4.TryParse(d, out _) && Ipv6.TryParse(d, out var v6) ? Ipv6.Format(v6) : d).ToList(),
    };
}

/// <summary>
/// The body of PUT /api/v1/wan (and <c>wan</c> of a restore). A missing field takes its default: mode unmanaged,
/// ipv6 off, no DNS servers; address, gateway and prefixHint none.
/// </summary>
public sealed record WanInput(WanMode? Mode, string? Address, string? Gateway, IReadOnlyList<string>? Dns, WanIpv6? Ipv6, int? PrefixHint)
{
    public WanSettings ToSettings() =>
        new(Mode ?? WanMode.Unmanaged, Address, Gateway, Dns ?? [], Ipv6 ?? WanIpv6.Off, PrefixHint);

    public static WanInput From(WanSettings wan) => new(wan.Mode, wan.Address, wan.Gateway, wan.Dns, wan.Ipv6, wan.PrefixHint);
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>The LAN resolver's settings (one row): upstream servers and local names.</summary>
public sealed class DnsService(StateWriter writer)
{
    public Task<DnsSettings> GetAsync(CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Dns.AsNoTracking().SingleAsync(c)).ToRecord(), ct);

    public Task<Outcome<DnsSettings>> UpdateAsync(DnsInput? input, CancellationToken ct = default)
    {
        var errors = new ValidationErrors();
        var dns = input?.ToSettings();
        ConfigValidator.ValidateDns(dns, errors);
        if (!errors.IsValid)
        {
            return Task.FromResult(Outcome<DnsSettings>.Invalid(errors));
        }

        // Stored in canonical spelling so the agent and the panel compare one text.
        dns = Canonical(dns!);
        return writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.Dns.SingleAsync(c);
            entity.CopyFrom(dns);
            return Outcome<DnsSettings>.Ok(entity.ToRecord());
        }, ct);
    }

    /// <summary>Valid settings with IPv6 addresses in RFC 5952 text and names in lower case.</summary>
    internal static DnsSettings Canonical(DnsSettings dns) => dns with
    {
        Upstream = dns.Upstream.Select(CanonicalAddress).ToList(),
        Hosts = dns.Hosts.Select(h => new DnsHost(h.Name.ToLowerInvariant(), CanonicalAddress(h.Address))).ToList(),
    };

    private static string CanonicalAddress(string address) =>
        !Ipv4.TryParse(address, out _) && Ipv6.TryParse(address, out var v6) ? Ipv6.Format(v6) : address;
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// The body of PUT /api/v1/dhcp (and <c>dhcp</c> of setup and of a restore). A missing field takes its default:
/// <c>enabled</c> true, <c>leaseSeconds</c> 43200, <c>domain</c> "lan", and a range left out entirely the default range
/// of the LAN (.100–.249 of a /24).
/// </summary>
public sealed record DhcpInput(bool? Enabled, string? RangeStart, string? RangeEnd, int? LeaseSeconds, string? Domain)
{
    /// <param name="lanAddress">The LAN the range defaults to when neither end is given; null when unknown.</param>
    public DhcpSettings ToSettings(string? lanAddress)
    {
        var start = RangeStart;
        var end = RangeEnd;
        var enabled = Enabled ?? true;
        if (enabled && start is null && end is null && lanAddress is not null && DhcpSettings.DefaultRange(lanAddress) is { } range)
        {
            (start, end) = range;
        }

        return new DhcpSettings(enabled, start, end, LeaseSeconds ?? DhcpSettings.DefaultLeaseSeconds, Domain ?? DhcpSettings.DefaultDomain);
    }

    public static DhcpInput From(DhcpSettings dhcp) => new(dhcp.Enabled, dhcp.RangeStart, dhcp.RangeEnd, dhcp.LeaseSeconds, dhcp.Domain);
}

/// <summary>The body of POST /api/v1/static-leases and PUT /api/v1/static-leases/{id}: <c>enabled</c> defaults to true.</summary>
public sealed record StaticLeaseInput(string? Name, string? Mac, string? Address, bool? Enabled)
{
    /// <summary>The lease with its MAC in the stored form (lower case, ':') when it parses; null when a required field is missing.</summary>
    public StaticLease? ToLease(int id, ValidationErrors errors, string prefix = "")
    {
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Mac, "mac")
            .Require(Address, "address")
            .Complete;
        if (!complete)
        {
            return null;
        }

        var mac = MacAddress.TryNormalize(Mac, out var normalized) ? normalized : Mac!;
        return new StaticLease(id, Name!, mac, Address!, Enabled ?? true);
    }

    public static StaticLeaseInput From(StaticLease lease) => new(lease.Name, lease.Mac, lease.Address, lease.Enabled);
}


/// <summary>The body of PUT /api/v1/dns (and <c>dns</c> of a restore): <c>enabled</c> defaults to true, the lists to empty.</summary>
public sealed record DnsInput(bool? Enabled, IReadOnlyList<string>? Upstream, IReadOnlyList<DnsHostInput?>? Hosts)
{
    /// <summary>The settings; a host missing a field keeps null there, which the validator names.</summary>
    public DnsSettings ToSettings() =>
        new(Enabled ?? true, Upstream ?? [], Hosts is null ? [] : Hosts.Select(h => h is null ? null! : new DnsHost(h.Name!, h.Address!)).ToList());
}

/// <summary>One local name of <see cref="DnsInput"/>.</summary>
public sealed record DnsHostInput(string? Name, string? Address);

using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.Lan;

/// <summary>The static lease form's fields.</summary>
public sealed class StaticLeaseFormModel
{
    public string Name { get; set; } = "";

    public string Mac { get; set; } = "";

    public string Address { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public static StaticLeaseFormModel From(StaticLease lease) => new() { Name = lease.Name, Mac = lease.Mac, Address = lease.Address, Enabled = lease.Enabled };

    /// <summary>"Reserve" on a live lease: its MAC and address, and its host name when it sent one.</summary>
    public static StaticLeaseFormModel From(DhcpLease lease) => new() { Name = lease.Hostname ?? "", Mac = lease.Mac, Address = lease.Address };

    public StaticLeaseInput ToInput() => new(OrNull(Name), OrNull(Mac), OrNull(Address), Enabled);

    public static StaticLeaseInput ToInput(StaticLease lease, bool enabled) => StaticLeaseInput.From(lease) with { Enabled = enabled };

    private static string? OrNull(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

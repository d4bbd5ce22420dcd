using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding the outbound conntrack helpers.</summary>
public sealed class HelperSettingsEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    /// <summary>The helpers' API words ("ftp,tftp"), comma-separated in the order given; empty for none.</summary>
    public string Outbound { get; set; } = "";

    /// <summary>Words that no longer name a helper (never written by this code) are skipped rather than failing every read.</summary>
    public HelperSettings ToRecord() => new(
        Outbound.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => ConntrackHelpers.All.Where(h => h.ToWord() == word).Cast<ConntrackHelper?>().FirstOrDefault())
            .OfType<ConntrackHelper>()
            .ToList());

    public void CopyFrom(HelperSettings helpers) => Outbound = string.Join(',', helpers.Outbound.Select(h => h.ToWord()));
}

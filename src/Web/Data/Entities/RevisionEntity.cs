namespace Gateway.Web.Data.Entities;

/// <summary>The one row counting desired-state changes; each write bumps it in the same transaction.</summary>
public sealed class RevisionEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public long DesiredRevision { get; set; }

    /// <summary>
    /// The desired revision of the newest write that asked for a commit-confirmed apply, with its window length: the
    /// agent link sends <see cref="ConfirmSeconds"/> with the first revision it applies that carries that write. Both
    /// null when none is outstanding (cleared when the agent's revert is stored).
    /// </summary>
    public long? ConfirmRevision { get; set; }

    public int? ConfirmSeconds { get; set; }
}

namespace Gateway.Web.Data.Entities;

/// <summary>The one row counting desired-state changes; each write bumps it in the same transaction.</summary>
public sealed class RevisionEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public long DesiredRevision { get; set; }
}

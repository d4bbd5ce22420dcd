namespace Gateway.Web.Data.Entities;

/// <summary>A bearer token. Only the SHA-256 of the token is stored; the token itself is shown once.</summary>
public sealed class ApiTokenEntity
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token text ("gw_…").</summary>
    public required string Hash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

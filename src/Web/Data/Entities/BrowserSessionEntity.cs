namespace Gateway.Web.Data.Entities;

/// <summary>
/// A signed-in browser. The auth cookie names its row (claim <c>gateway:sid</c>); logging out deletes the row,
/// so a copy of the cookie stops working on the server, not only in the browser that logged out.
/// </summary>
public sealed class BrowserSessionEntity
{
    /// <summary>22 characters of base64url: 128 random bits.</summary>
    public required string Id { get; set; }

    /// <summary>UTC.</summary>
    public DateTime CreatedAt { get; set; }

    /// <summary>UTC; refreshed at most every few minutes while the cookie is used, so idle rows can be pruned.</summary>
    public DateTime LastSeenAt { get; set; }
}

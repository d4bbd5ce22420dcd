namespace Gateway.Web.Data.Entities;

/// <summary>The single administrator. Its existence is what "setup completed" means.</summary>
public sealed class AdminUserEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public const string UserName = "admin";

    /// <summary>ASP.NET Core Identity PasswordHasher output (PBKDF2 with salt and iteration count inside).</summary>
    public required string PasswordHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset PasswordChangedAt { get; set; }
}

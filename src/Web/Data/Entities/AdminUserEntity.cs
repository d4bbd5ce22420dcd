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

    /// <summary>
    /// Random; replaced on each password change. Browser cookies carry the stamp they were issued with and
    /// stop working once it differs, so a password change signs out every other browser.
    /// </summary>
    public string SecurityStamp { get; set; } = NewSecurityStamp();

    public static string NewSecurityStamp() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

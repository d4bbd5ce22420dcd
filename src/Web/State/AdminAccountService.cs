using Gateway.Web.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>The admin's password: verify (for cookie login and HTTP Basic) and change.</summary>
public sealed class AdminAccountService(StateWriter writer, IPasswordHasher<AdminUserEntity> hasher, AdminSecurityStamp stamp, TimeProvider time)
{
    public async Task<bool> VerifyPasswordAsync(string password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password) || password.Length > AdminPassword.MaxLength)
        {
            return false;
        }

        var outcome = await writer.WriteAsync(async (db, c) =>
        {
            var admin = await db.AdminUsers.SingleOrDefaultAsync(c);
            if (admin is null)
            {
                return Outcome<bool>.NotFound("No admin yet.");
            }

            switch (hasher.VerifyHashedPassword(admin, admin.PasswordHash, password))
            {
                case PasswordVerificationResult.Success:
                    return Outcome<bool>.Ok(true);
                case PasswordVerificationResult.SuccessRehashNeeded:
                    // Stored with older hashing parameters: upgrade while we hold the plain text.
                    admin.PasswordHash = hasher.HashPassword(admin, password);
                    return Outcome<bool>.Ok(true);
                default:
                    return Outcome<bool>.NotFound("Wrong password.");
            }
        }, ct, desiredState: false);
        return outcome.Succeeded;
    }

    /// <summary>
    /// Errors are keyed <c>currentPassword</c> / <c>newPassword</c>. A change also replaces the security stamp,
    /// which signs out every browser (the caller's too, until it signs in again); API tokens stay valid.
    /// </summary>
    public async Task<Outcome<bool>> ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken ct = default)
    {
        if (AdminPassword.Check(newPassword) is { } problem)
        {
            return Outcome<bool>.Invalid("newPassword", problem);
        }

        var newStamp = AdminUserEntity.NewSecurityStamp();
        var outcome = await writer.WriteAsync(async (db, c) =>
        {
            var admin = await db.AdminUsers.SingleOrDefaultAsync(c);
            if (admin is null
                || string.IsNullOrEmpty(currentPassword)
                || hasher.VerifyHashedPassword(admin, admin.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
            {
                return Outcome<bool>.Invalid("currentPassword", "The current password is wrong.");
            }

            admin.PasswordHash = hasher.HashPassword(admin, newPassword);
            admin.PasswordChangedAt = time.GetUtcNow();
            admin.SecurityStamp = newStamp;
            return Outcome<bool>.Ok(true);
        }, ct, desiredState: false);
        if (outcome.Succeeded)
        {
            stamp.Changed(newStamp);
        }

        return outcome;
    }
}

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

        // The hash check is slow on purpose, so it runs outside any write transaction (which would hold
        // SQLite's write lock, and stall every other writer, for each login attempt).
        var admin = await writer.ReadAsync((db, c) => db.AdminUsers.AsNoTracking().SingleOrDefaultAsync(c), ct);
        if (admin is null)
        {
            return false;
        }

        switch (hasher.VerifyHashedPassword(admin, admin.PasswordHash, password))
        {
            case PasswordVerificationResult.Success:
                return true;
            case PasswordVerificationResult.SuccessRehashNeeded:
                // Stored with older hashing parameters: upgrade while we hold the plain text, unless the
                // password changed meanwhile.
                var verified = admin.PasswordHash;
                var upgraded = hasher.HashPassword(admin, password);
                await writer.WriteAsync(async (db, c) =>
                {
                    await db.AdminUsers.Where(a => a.Id == admin.Id && a.PasswordHash == verified)
                        .ExecuteUpdateAsync(u => u.SetProperty(a => a.PasswordHash, upgraded), c);
                    return Outcome<bool>.Ok(true);
                }, ct, desiredState: false);
                return true;
            default:
                return false;
        }
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

using Gateway.Shared.Validation;
using Gateway.Web.Auth;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

public sealed record ApiTokenInfo(int Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>A newly created token; <see cref="Token"/> is shown this once and never stored.</summary>
public sealed record CreatedApiToken(int Id, string Name, string Token);

/// <summary>Bearer tokens for scripts: created, listed without secrets, revoked.</summary>
public sealed class ApiTokenService(StateWriter writer, TimeProvider time, ApiTokenCache cache, AdminSecurityStamp stamp)
{
    /// <summary>Last-used times are written at most this often per token, so a busy script doesn't write per request.</summary>
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public Task<IReadOnlyList<ApiTokenInfo>> ListAsync(CancellationToken ct = default) =>
        writer.ReadAsync<IReadOnlyList<ApiTokenInfo>>(async (db, c) =>
            (await db.ApiTokens.AsNoTracking().OrderBy(t => t.Id).ToListAsync(c))
                .Select(t => new ApiTokenInfo(t.Id, t.Name, t.CreatedAt, t.LastUsedAt)).ToList(), ct);

    public Task<Outcome<CreatedApiToken>> CreateAsync(string? name, CancellationToken ct = default)
    {
        if (!FieldRules.IsName(name))
        {
            return Task.FromResult(Outcome<CreatedApiToken>.Invalid("name", FieldRules.NameMessage));
        }

        var token = ApiTokenFormat.Generate();
        return writer.WriteAsync(async (db, c) =>
        {
            var entity = new ApiTokenEntity { Name = name!, Hash = ApiTokenFormat.Hash(token), CreatedAt = time.GetUtcNow() };
            db.ApiTokens.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<CreatedApiToken>.Created(new CreatedApiToken(entity.Id, entity.Name!, token));
        }, ct, desiredState: false);
    }

    public async Task<Outcome<bool>> RevokeAsync(int id, CancellationToken ct = default)
    {
        var outcome = await writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.ApiTokens.Where(t => t.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound($"No API token with id {id}.") : Outcome<bool>.Ok(true);
        }, ct, desiredState: false);
        // Also after a failure: nothing stale may outlive a revoke that raced with an authentication.
        cache.Forget(id);
        return outcome;
    }

    /// <summary>The token's record when <paramref name="token"/> is a live token, else null; records the use.</summary>
    public async Task<ApiTokenInfo?> AuthenticateAsync(string token, CancellationToken ct = default)
    {
        if (!ApiTokenFormat.LooksValid(token))
        {
            return null;
        }

        var hash = ApiTokenFormat.Hash(token);
        // The stamp is in memory and re-read at most every few seconds: a console revoke reaches the cache through it.
        if (cache.TryGet(hash, await stamp.CurrentAsync(ct), out var known) && known.LastUsedAt is { } used && time.GetUtcNow() - used < LastUsedResolution)
        {
            return known;
        }

        var revocations = cache.Revocations;

        // Every bearer request passes here: a plain read answers it unless the last-used time is due, so
        // most requests don't take SQLite's write lock (WriteAsync begins IMMEDIATE even when nothing changes).
        var stored = await writer.ReadAsync((db, c) => db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, c), ct);
        if (stored is null)
        {
            return null;
        }

        if (stored.LastUsedAt is { } seen && time.GetUtcNow() - seen < LastUsedResolution)
        {
            return Remembered(hash, revocations, new ApiTokenInfo(stored.Id, stored.Name, stored.CreatedAt, stored.LastUsedAt));
        }

        var outcome = await writer.WriteAsync(async (db, c) =>
        {
            var entity = await db.ApiTokens.SingleOrDefaultAsync(t => t.Hash == hash, c);
            if (entity is null)
            {
                return Outcome<ApiTokenInfo>.NotFound("Unknown token.");
            }

            var now = time.GetUtcNow();
            if (entity.LastUsedAt is not { } last || now - last >= LastUsedResolution)
            {
                entity.LastUsedAt = now;
            }

            return Outcome<ApiTokenInfo>.Ok(new ApiTokenInfo(entity.Id, entity.Name, entity.CreatedAt, entity.LastUsedAt));
        }, ct, desiredState: false);
        return outcome.Value is { } info ? Remembered(hash, revocations, info) : null;
    }

    private ApiTokenInfo Remembered(string hash, long revocationsBefore, ApiTokenInfo info)
    {
        cache.Remember(hash, info, revocationsBefore);
        return info;
    }
}

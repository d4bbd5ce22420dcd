using Gateway.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>
/// Caches "setup has completed" (the admin row exists). It only ever turns true, so once seen it is never
/// read from the database again — the setup gate runs on every request.
/// </summary>
public sealed class SetupState(IDbContextFactory<GatewayDbContext> factory)
{
    private volatile bool _completed;

    public async ValueTask<bool> IsCompletedAsync(CancellationToken ct = default)
    {
        if (_completed)
        {
            return true;
        }

        await using var db = await factory.CreateDbContextAsync(ct);
        if (await db.AdminUsers.AnyAsync(ct))
        {
            _completed = true;
        }

        return _completed;
    }

    internal void MarkCompleted() => _completed = true;
}

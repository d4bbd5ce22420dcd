using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>Reading a list resource's table whole, as the cache and the services do.</summary>
internal static class ListTable
{
    public const string Id = nameof(IHasId.Id);

    /// <summary>Every row as its record, in id order (a <see cref="List{T}"/>: the cache patches such lists in place of re-reading).</summary>
    public static async Task<List<TRecord>> LoadByIdAsync<TEntity, TRecord>(GatewayDbContext db, CancellationToken ct)
        where TEntity : class, IListEntity<TRecord> =>
        (await db.Set<TEntity>().AsNoTracking().OrderBy(e => EF.Property<int>(e, Id)).ToListAsync(ct)).ConvertAll(e => e.ToRecord());
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>Redirects to the router's own ports (the HOWTO's REDIR); they need nothing stored to be checked.</summary>
public sealed class RedirectService(StateWriter writer)
{
    public Task<IReadOnlyList<Redirect>> ListAsync(CancellationToken ct = default) => writer.ReadAsync(LoadAllAsync, ct);

    public Task<Redirect?> GetAsync(int id, CancellationToken ct = default) =>
        writer.ReadAsync(async (db, c) => (await db.Redirects.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, c))?.ToRecord(), ct);

    public Task<Outcome<Redirect>> CreateAsync(RedirectInput input, CancellationToken ct = default)
    {
        var checkedRedirect = Check(0, input);
        if (!checkedRedirect.Succeeded)
        {
            return Task.FromResult(checkedRedirect);
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entity = RedirectEntity.From(checkedRedirect.Value!);
            db.Redirects.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<Redirect>.Created(entity.ToRecord());
        }, ct);
    }

    public Task<Outcome<Redirect>> UpdateAsync(int id, RedirectInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            // Not found before invalid, like the other resources.
            var entity = await db.Redirects.SingleOrDefaultAsync(r => r.Id == id, c);
            if (entity is null)
            {
                return Outcome<Redirect>.NotFound(NoSuchRedirect(id));
            }

            var checkedRedirect = Check(id, input);
            if (!checkedRedirect.Succeeded)
            {
                return checkedRedirect;
            }

            entity.CopyFrom(checkedRedirect.Value!);
            return Outcome<Redirect>.Ok(entity.ToRecord());
        }, ct);

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.Redirects.Where(r => r.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound(NoSuchRedirect(id)) : Outcome<bool>.Ok(true);
        }, ct);

    internal static async Task<IReadOnlyList<Redirect>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.Redirects.AsNoTracking().OrderBy(r => r.Id).ToListAsync(ct)).Select(r => r.ToRecord()).ToList();

    private static Outcome<Redirect> Check(int id, RedirectInput? input)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", "A redirect is required.");
            return Outcome<Redirect>.Invalid(errors);
        }

        var redirect = input.ToRedirect(id, errors);
        if (redirect is not null)
        {
            ConfigValidator.ValidateRedirect(redirect, errors);
        }

        return errors.IsValid ? Outcome<Redirect>.Ok(redirect!) : Outcome<Redirect>.Invalid(errors);
    }

    private static string NoSuchRedirect(int id) => $"No redirect with id {id}.";
}

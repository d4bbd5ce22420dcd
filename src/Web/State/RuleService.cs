using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>Traffic rules in their run order, each with its latest kernel counter from the agent.</summary>
public sealed class RuleService(StateWriter writer, AgentLink link, DesiredStateCache snapshots)
{
    public async Task<IReadOnlyList<RuleView>> ListAsync(CancellationToken ct = default) =>
        WithHits((await snapshots.SnapshotAsync(ct))?.Config.Rules ?? await writer.ReadAsync(LoadAllAsync, ct));

    public async Task<RuleView?> GetAsync(int id, CancellationToken ct = default)
    {
        var rule = await writer.ReadAsync(async (db, c) => (await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, c))?.ToRecord(), ct);
        return rule is null ? null : WithHits(rule);
    }

    /// <summary>A new rule runs last.</summary>
    public Task<Outcome<RuleView>> CreateAsync(RuleInput input, CancellationToken ct = default)
    {
        var checkedRule = Check(0, input);
        if (!checkedRule.Succeeded)
        {
            return Task.FromResult(checkedRule.As<RuleView>());
        }

        var rule = checkedRule.Value!;
        return writer.WriteAsync(async (db, c) =>
        {
            var last = await db.Rules.MaxAsync(r => (int?)r.Position, c);
            var entity = RuleEntity.From(rule, (last ?? -1) + 1);
            db.Rules.Add(entity);
            await db.SaveChangesAsync(c);
            return Outcome<RuleView>.Created(WithHits(entity.ToRecord()));
        }, ct);
    }

    /// <summary>Replaces every field; the rule keeps its place in the order.</summary>
    public Task<Outcome<RuleView>> UpdateAsync(int id, RuleInput input, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            // Not found before invalid, like the other resources.
            var entity = await db.Rules.SingleOrDefaultAsync(r => r.Id == id, c);
            if (entity is null)
            {
                return Outcome<RuleView>.NotFound(NoSuchRule(id));
            }

            var checkedRule = Check(id, input);
            if (!checkedRule.Succeeded)
            {
                return checkedRule.As<RuleView>();
            }

            entity.CopyFrom(checkedRule.Value!);
            return Outcome<RuleView>.Ok(WithHits(entity.ToRecord()));
        }, ct);

    public Task<Outcome<bool>> DeleteAsync(int id, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var deleted = await db.Rules.Where(r => r.Id == id).ExecuteDeleteAsync(c);
            return deleted == 0 ? Outcome<bool>.NotFound(NoSuchRule(id)) : Outcome<bool>.Ok(true);
        }, ct);

    /// <summary>Sets the whole order at once: <paramref name="ids"/> must name every rule exactly once.</summary>
    public Task<Outcome<IReadOnlyList<RuleView>>> ReorderAsync(IReadOnlyList<int>? ids, CancellationToken ct = default)
    {
        if (ids is null)
        {
            return Task.FromResult(Outcome<IReadOnlyList<RuleView>>.Invalid("ids", "Required: every rule id, in the new order."));
        }

        return writer.WriteAsync(async (db, c) =>
        {
            var entities = await db.Rules.ToListAsync(c);
            if (OrderProblem(ids, entities.Select(e => e.Id).ToHashSet()) is { } problem)
            {
                return Outcome<IReadOnlyList<RuleView>>.Invalid("ids", problem);
            }

            var byId = entities.ToDictionary(e => e.Id);
            return Outcome<IReadOnlyList<RuleView>>.Ok(Renumber(ids.Select(id => byId[id]).ToList()));
        }, ct);
    }

    /// <summary>Moves one rule <paramref name="delta"/> places (negative: earlier), stopping at either end.</summary>
    public Task<Outcome<IReadOnlyList<RuleView>>> MoveAsync(int id, int delta, CancellationToken ct = default) =>
        writer.WriteAsync(async (db, c) =>
        {
            var ordered = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(c);
            var from = ordered.FindIndex(r => r.Id == id);
            if (from < 0)
            {
                return Outcome<IReadOnlyList<RuleView>>.NotFound(NoSuchRule(id));
            }

            var to = (int)Math.Clamp((long)from + delta, 0, ordered.Count - 1);
            var moving = ordered[from];
            ordered.RemoveAt(from);
            ordered.Insert(to, moving);
            return Outcome<IReadOnlyList<RuleView>>.Ok(Renumber(ordered));
        }, ct);

    /// <summary>Null when <paramref name="ids"/> names each existing rule exactly once, else what is wrong.</summary>
    internal static string? OrderProblem(IReadOnlyList<int> ids, IReadOnlySet<int> existing)
    {
        var duplicates = ids.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            return $"Each rule id exactly once; repeated: {string.Join(", ", duplicates)}.";
        }

        var unknown = ids.Where(i => !existing.Contains(i)).ToList();
        if (unknown.Count > 0)
        {
            return $"No rule with id {string.Join(", ", unknown)}.";
        }

        var missing = existing.Except(ids).Order().ToList();
        return missing.Count > 0 ? $"Every rule id exactly once; missing: {string.Join(", ", missing)}." : null;
    }

    /// <summary>Positions 0…n-1 in list order; returns the views in that order.</summary>
    private IReadOnlyList<RuleView> Renumber(IReadOnlyList<RuleEntity> ordered)
    {
        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].Position = i;
        }

        return WithHits(ordered.Select(e => e.ToRecord()).ToList());
    }

    /// <summary>Input → record → the shared validator; rules need nothing stored to be checked.</summary>
    private static Outcome<TrafficRule> Check(int id, RuleInput? input)
    {
        var errors = new ValidationErrors();
        if (input is null)
        {
            errors.Add("body", "A rule is required.");
            return Outcome<TrafficRule>.Invalid(errors);
        }

        var rule = input.ToRule(id, errors);
        if (rule is not null)
        {
            ConfigValidator.ValidateRule(rule, errors);
        }

        return errors.IsValid ? Outcome<TrafficRule>.Ok(rule!) : Outcome<TrafficRule>.Invalid(errors);
    }

    internal static async Task<IReadOnlyList<TrafficRule>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.Rules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct)).Select(r => r.ToRecord()).ToList();

    private IReadOnlyList<RuleView> WithHits(IReadOnlyList<TrafficRule> rules)
    {
        var hits = link.LatestRuleHits;
        return rules.Select(r => View(r, hits)).ToList();
    }

    private RuleView WithHits(TrafficRule rule) => View(rule, link.LatestRuleHits);

    private static RuleView View(TrafficRule rule, IReadOnlyDictionary<int, Shared.Protocol.RuleHits> hits) =>
        RuleView.From(rule, hits.TryGetValue(rule.Id, out var h) ? new RuleHitsView(h.Packets, h.Bytes) : RuleHitsView.None);

    private static string NoSuchRule(int id) => $"No traffic rule with id {id}.";
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Gateway.Web.AgentLink;

namespace Gateway.Web.State;

/// <summary>Traffic rules in their run order, each with its latest kernel counter from the agent.</summary>
public sealed class RuleService(StateWriter writer, AgentClient link, DesiredStateCache snapshots)
    : ListService<TrafficRule, RuleEntity, RuleInput, RuleView>(writer, snapshots)
{
    protected override string Noun => "traffic rule";

    protected override IReadOnlyList<TrafficRule> Pick(GatewayConfig config) => config.Rules;

    protected override TrafficRule? ToRecord(RuleInput input, int id, ValidationErrors errors, TrafficRule? stored) => input.ToRule(id, errors);

    /// <summary>Rules need nothing stored to be checked; the accounts they name must exist on the router.</summary>
    protected override void Validate(TrafficRule record, NetworkSettings? network, ValidationErrors errors)
    {
        ConfigValidator.ValidateRule(record, errors);
        SystemAccounts.Check(record, errors);
    }

    /// <summary>Its place is set by <see cref="AddingAsync"/>; an update keeps it.</summary>
    protected override RuleEntity NewEntity(TrafficRule record) => RuleEntity.From(record, 0);

    protected override int RecordId(TrafficRule record) => record.Id;

    public override int IdOf(RuleView view) => view.Id;

    protected override RuleView View(TrafficRule record) => View(record, link.LatestRuleHits, link.LatestQuotaUse);

    protected override Task<IReadOnlyList<TrafficRule>> LoadTableAsync(GatewayDbContext db, CancellationToken ct) => LoadAllAsync(db, ct);

    /// <summary>A new rule runs last.</summary>
    protected override async Task AddingAsync(GatewayDbContext db, RuleEntity entity, CancellationToken ct) =>
        entity.Position = (await db.Rules.MaxAsync(r => (int?)r.Position, ct) ?? -1) + 1;

    /// <summary>Sets the whole order at once: <paramref name="ids"/> must name every rule exactly once.</summary>
    public Task<Outcome<IReadOnlyList<RuleView>>> ReorderAsync(IReadOnlyList<int>? ids, CancellationToken ct = default)
    {
        if (ids is null)
        {
            return Task.FromResult(Outcome<IReadOnlyList<RuleView>>.Invalid("ids", "Required: every rule id, in the new order."));
        }

        return Writer.WriteAsync(async (db, c) =>
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
        Writer.WriteAsync(async (db, c) =>
        {
            var ordered = await db.Rules.OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(c);
            var from = ordered.FindIndex(r => r.Id == id);
            if (from < 0)
            {
                return Outcome<IReadOnlyList<RuleView>>.NotFound(NotFoundMessage(id));
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

    internal static async Task<IReadOnlyList<TrafficRule>> LoadAllAsync(GatewayDbContext db, CancellationToken ct) =>
        (await db.Rules.AsNoTracking().OrderBy(r => r.Position).ThenBy(r => r.Id).ToListAsync(ct)).Select(r => r.ToRecord()).ToList();

    private IReadOnlyList<RuleView> WithHits(IReadOnlyList<TrafficRule> rules)
    {
        var hits = link.LatestRuleHits;
        var quotas = link.LatestQuotaUse;
        return rules.Select(r => View(r, hits, quotas)).ToList();
    }

    /// <summary>A rule with its counter and, when it has a quota, the quota's use (0 until the agent reported it).</summary>
    internal static RuleView View(TrafficRule rule, IReadOnlyDictionary<int, Shared.Protocol.RuleHits> hits, IReadOnlyDictionary<int, long> quotas)
    {
        var counted = hits.TryGetValue(rule.Id, out var h) ? new RuleHitsView(h.Packets, h.Bytes) : RuleHitsView.None;
        return RuleView.From(rule, rule.Quota is null ? counted : counted with { QuotaUsedBytes = quotas.GetValueOrDefault(rule.Id) });
    }
}

using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data;
using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.State;

/// <summary>Whole-config backup/restore (no secrets) and the snapshot the agent applies.</summary>
public sealed class ConfigService(StateWriter writer, DesiredStateCache snapshots, OneToOneService oneToOne)
{
    /// <exception cref="InvalidOperationException">Setup has not completed (there is no network yet).</exception>
    public async Task<GatewayConfig> ExportAsync(CancellationToken ct = default) =>
        (await SnapshotAsync(ct))?.Config ?? throw new InvalidOperationException("Setup has not completed.");

    /// <summary>A restore as sent: rules and the NAT items read through their input records, then validated as a whole.</summary>
    public Task<Outcome<GatewayConfig>> ImportAsync(ConfigInput input, CancellationToken ct = default)
    {
        var readErrors = new ValidationErrors();
        var read = input.ToConfig(readErrors);
        if (readErrors.IsValid)
        {
            return ImportAsync(read.Config, ct);
        }

        // Some items lack required fields: report them and everything else that is wrong, store nothing.
        // The complete items are checked at their own index; the whole-config check runs without those lists so its
        // item paths can't point at the wrong item.
        var config = read.Config;
        // A missing field's placeholder would break its own rule too: those paths keep only "Required.". A list with an
        // incomplete item is set aside (its complete items are checked at their own index below), so no path can point
        // at the wrong item; complete lists stay for the whole-list rules (overlaps, duplicate MACs, the lockout).
        var forwardsWhole = read.PortForwards.All(f => f is not null);
        var filtersWhole = read.MacFilters.All(m => m is not null);
        var leasesWhole = read.StaticLeases.All(l => l is not null);
        var mirrorsWhole = read.Mirrors?.All(m => m is not null) ?? true;
        var errors = new ValidationErrors();
        var whole = ConfigValidator.Validate(config with
        {
            PortForwards = forwardsWhole ? config.PortForwards : [],
            MacFilters = filtersWhole ? config.MacFilters : [],
            Rules = [],
            OneToOne = [],
            Redirects = [],
            PolicyRoutes = [],
            Pinholes = [],
            StaticLeases = leasesWhole ? config.StaticLeases : [],
            Mirrors = mirrorsWhole ? config.Mirrors : [],
        });
        foreach (var (field, messages) in whole.ToDictionary())
        {
            if (readErrors.Has(field))
            {
                continue;
            }

            foreach (var message in messages)
            {
                // With the filters set aside the lockout check saw none: judge it on the filters as sent.
                var lockoutAnswered = !filtersWhole && message == ConfigValidator.AllowListLockoutMessage
                    && read.MacFilters.Any(m => m is null or { Enabled: true });
                if (!lockoutAnswered)
                {
                    errors.Add(field, message);
                }
            }
        }

        var network = errors.Has("network.lanAddress") || readErrors.Has("network.lanAddress") ? null : config.Network;
        if (!forwardsWhole)
        {
            ValidateEach(read.PortForwards, "portForwards", (forward, prefix) => ConfigValidator.ValidatePortForward(forward, network, errors, prefix));
        }

        if (!filtersWhole)
        {
            ValidateEach(read.MacFilters, "macFilters", (filter, prefix) => ConfigValidator.ValidateMacFilter(filter, errors, prefix));
        }

        ValidateEach(read.Rules, "rules", (rule, prefix) =>
        {
            ConfigValidator.ValidateRule(rule, errors, prefix);
            SystemAccounts.Check(rule, errors, prefix);
        });
        ValidateEach(read.OneToOne, "oneToOne", (entry, prefix) => ConfigValidator.ValidateOneToOne(entry, network, errors, prefix));
        ValidateEach(read.Redirects, "redirects", (redirect, prefix) => ConfigValidator.ValidateRedirect(redirect, errors, prefix));
        ValidateEach(read.PolicyRoutes, "policyRoutes", (route, prefix) => ConfigValidator.ValidatePolicyRoute(route, network, errors, prefix));
        ValidateEach(read.Pinholes, "pinholes", (pinhole, prefix) => ConfigValidator.ValidatePinhole(pinhole, errors, prefix));
        if (!leasesWhole)
        {
            ValidateEach(read.StaticLeases, "staticLeases", (lease, prefix) => ConfigValidator.ValidateStaticLease(lease, network, errors, prefix));
        }

        if (!mirrorsWhole)
        {
            ValidateEach(read.Mirrors!, "mirrors", (mirror, prefix) => ConfigValidator.ValidateMirror(mirror, errors, prefix));
        }

        foreach (var (field, messages) in readErrors.ToDictionary())
        {
            foreach (var message in messages)
            {
                errors.Add(field, message);
            }
        }

        return Task.FromResult(Outcome<GatewayConfig>.Invalid(errors));
    }

    private static void ValidateEach<T>(IReadOnlyList<T?> items, string list, Action<T, string> validate)
        where T : class
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is { } item)
            {
                validate(item, $"{list}[{i}]");
            }
        }
    }

    /// <summary>Replaces the whole desired state, validated as a whole: all or nothing.</summary>
    /// <remarks>
    /// Items keep their id when it names an item that exists now; other items get fresh ids, so an id that
    /// was deleted earlier (and may still mark conntrack entries in the kernel) never comes back.
    /// </remarks>
    /// <remarks>
    /// The accounts the rules name must exist here (a backup from another router may name one this one lacks); an
    /// agent's revert is not checked for them, since it puts back what was applied.
    /// </remarks>
    public Task<Outcome<GatewayConfig>> ImportAsync(GatewayConfig config, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = ConfigValidator.Validate(config);
        for (var i = 0; errors.IsValid && i < config.Rules.Count; i++)
        {
            SystemAccounts.Check(config.Rules[i], errors, $"rules[{i}]");
        }

        return errors.IsValid ? ImportAsync(config, unlessAfter: null, ct) : Task.FromResult(Outcome<GatewayConfig>.Invalid(errors));
    }

    /// <summary>
    /// Stores the agent's revert of <paramref name="revertedRevision"/>, unless the desired state has moved past it:
    /// then a later write (one that confirmed the trial, or extended it into a window of its own) was stored after
    /// the trial, the agent applies that write on top of whatever it reverted to, and storing the revert would undo a
    /// write whose writer was told it stands. Decided inside the write gate, so no write can slip in between.
    /// Null when the revert was superseded and nothing was stored.
    /// </summary>
    public async Task<Outcome<GatewayConfig>?> ImportRevertAsync(GatewayConfig config, long revertedRevision, CancellationToken ct = default)
    {
        var outcome = await ImportAsync(config, unlessAfter: revertedRevision, ct);
        return outcome.Kind == OutcomeKind.Conflict && outcome.Message == SupersededMessage ? null : outcome;
    }

    private const string SupersededMessage = "A later write superseded the reverted revision.";

    private async Task<Outcome<GatewayConfig>> ImportAsync(GatewayConfig config, long? unlessAfter, CancellationToken ct)
    {
        var errors = ConfigValidator.Validate(config);
        if (!errors.IsValid)
        {
            return Outcome<GatewayConfig>.Invalid(errors);
        }

        if (PinholeClash(config) is { } clash)
        {
            return clash;
        }

        if (await OneToOneAddressHeldAsync(config, ct) is { } held)
        {
            return held;
        }

        config = Canonical(config);

        // A restore can change anything: from the panel it is always commit-confirmed.
        return await writer.WriteAsync(
            async (db, c) => unlessAfter is { } reverted && await db.Revision.Select(r => r.DesiredRevision).SingleAsync(c) > reverted
                ? Outcome<GatewayConfig>.Conflict(SupersededMessage)
                : await ReplaceAsync(db, config, c),
            ct,
            desiredState: true,
            wholeState: stored => stored,
            risky: true);
    }

    /// <summary>
    /// Deletes every list item and inserts the new ones in bulk (no change tracking: a 20,000-item restore would spend
    /// seconds there), then answers the stored state built from the very rows written, without reading them back.
    /// </summary>
    private static async Task<Outcome<GatewayConfig>> ReplaceAsync(GatewayDbContext db, GatewayConfig config, CancellationToken c)
    {
        var network = await db.Network.SingleOrDefaultAsync(c);
        if (network is null)
        {
            return Outcome<GatewayConfig>.Conflict("Complete setup first.");
        }

        network.CopyFrom(config.Network);
        var policy = await db.MacPolicy.SingleAsync(c);
        policy.Mode = config.MacPolicy.Mode;
        var logging = await db.Logging.SingleAsync(c);
        logging.CopyFrom(config.Logging);
        var protection = await db.Protection.SingleAsync(c);
        protection.CopyFrom(config.Protection);
        var helpers = await db.Helpers.SingleAsync(c);
        helpers.CopyFrom(config.Helpers);
        var dhcp = await db.Dhcp.SingleAsync(c);
        dhcp.CopyFrom(config.Dhcp);
        var dns = await db.Dns.SingleAsync(c);
        dns.CopyFrom(config.Dns);
        var upnp = await db.Upnp.SingleAsync(c);
        upnp.CopyFrom(config.Upnp);
        var wan = await db.Wan.SingleAsync(c);
        wan.CopyFrom(config.Wan);

        var forwards = await ReplaceListAsync(db, db.PortForwards, config.PortForwards, f => f.Id, (f, _) => PortForwardEntity.From(f), c);
        var macs = await ReplaceListAsync(db, db.MacFilters, config.MacFilters, m => m.Id, (m, _) =>
        {
            MacAddress.TryNormalize(m.Mac, out var mac);
            return MacFilterEntity.From(m with { Mac = mac! });
        }, c);
        // The list order is the run order.
        var rules = await ReplaceListAsync(db, db.Rules, config.Rules, r => r.Id, (rule, i) =>
        {
            var sourceMac = rule.SourceMac is not null && MacAddress.TryNormalize(rule.SourceMac, out var mac) ? mac : rule.SourceMac;
            return RuleEntity.From(rule with { SourceMac = sourceMac }, i);
        }, c);
        var oneToOne = await ReplaceListAsync(db, db.OneToOne, config.OneToOne, e => e.Id, (e, _) => OneToOneEntity.From(e), c);
        var redirects = await ReplaceListAsync(db, db.Redirects, config.Redirects, r => r.Id, (r, _) => RedirectEntity.From(r), c);
        var routes = await ReplaceListAsync(db, db.PolicyRoutes, config.PolicyRoutes, r => r.Id, (r, _) => PolicyRouteEntity.From(r), c);
        var pinholes = await ReplaceListAsync(db, db.Pinholes, config.Pinholes, p => p.Id, (p, _) => PinholeEntity.From(p), c);
        var leases = await ReplaceListAsync(db, db.StaticLeases, config.StaticLeases, l => l.Id, (l, _) => StaticLeaseEntity.From(l), c);
        var mirrors = await ReplaceListAsync(db, db.Mirrors, config.Mirrors, m => m.Id, (m, _) => MirrorEntity.From(m), c);

        // As a read would answer: lists by id, rules by position (their list order).
        return Outcome<GatewayConfig>.Ok(new GatewayConfig(
            network.ToRecord(),
            forwards.OrderBy(f => f.Id).Select(f => f.ToRecord()).ToList(),
            macs.OrderBy(m => m.Id).Select(m => m.ToRecord()).ToList(),
            new MacPolicy(policy.Mode),
            logging.ToRecord(),
            rules.Select(r => r.ToRecord()).ToList(),
            protection.ToRecord(),
            oneToOne.OrderBy(e => e.Id).Select(e => e.ToRecord()).ToList(),
            redirects.OrderBy(r => r.Id).Select(r => r.ToRecord()).ToList(),
            routes.OrderBy(r => r.Id).Select(r => r.ToRecord()).ToList(),
            helpers.ToRecord(),
            pinholes.OrderBy(p => p.Id).Select(p => p.ToRecord()).ToList(),
            dhcp.ToRecord(),
            leases.OrderBy(l => l.Id).Select(l => l.ToRecord()).ToList(),
            dns.ToRecord(),
            upnp.ToRecord(),
            wan.ToRecord(),
            mirrors.OrderBy(m => m.Id).Select(m => m.ToRecord()).ToList()));
    }

    /// <summary>
    /// Items keep their id when it names an item that exists now; the others get the ids AUTOINCREMENT would give,
    /// in list order. Delete first, then insert: no unique-MAC clash while entries swap addresses.
    /// </summary>
    private static async Task<List<TEntity>> ReplaceListAsync<TItem, TEntity>(
        GatewayDbContext db,
        DbSet<TEntity> set,
        IReadOnlyList<TItem> items,
        Func<TItem, int> id,
        Func<TItem, int, TEntity> toEntity,
        CancellationToken ct)
        where TEntity : class, IHasId
    {
        var existing = (await set.Select(e => EF.Property<int>(e, "Id")).ToListAsync(ct)).ToHashSet();
        await set.ExecuteDeleteAsync(ct);
        var next = await BulkInsert.NextIdAsync<TEntity>(db, ct);
        var entities = new List<TEntity>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var entity = toEntity(items[i], i);
            entity.Id = existing.Contains(id(items[i])) ? id(items[i]) : next++;
            entities.Add(entity);
        }

        await BulkInsert.InsertAsync(db, entities, ct);
        return entities;
    }

    /// <summary>Two enabled pinholes of a restore opening the same host and ports: 409, as for single writes.</summary>
    private static Outcome<GatewayConfig>? PinholeClash(GatewayConfig config)
    {
        for (var i = 0; i < config.Pinholes.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (PinholeService.Overlaps(config.Pinholes[j], config.Pinholes[i]))
                {
                    var message = $"pinholes[{i}]: {PinholeService.ClashMessage(config.Pinholes[j])}";
                    return Outcome<GatewayConfig>.Conflict(message, new Dictionary<string, string[]> { [$"pinholes[{i}].port"] = [message] });
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Addresses stored in one spelling, whoever sent them (a restore may come from a hand-edited file): the LAN's
    /// static IPv6, pinhole suffixes, MACs and the resolver's addresses. Only valid values reach here.
    /// </summary>
    private static GatewayConfig Canonical(GatewayConfig config) => config with
    {
        Network = NetworkService.Canonical(config.Network),
        Pinholes = config.Pinholes.Select(p => PinholeInput.From(p).ToPinhole(p.Id, new ValidationErrors())!).ToList(),
        StaticLeases = config.StaticLeases.Select(l => StaticLeaseInput.From(l).ToLease(l.Id, new ValidationErrors())!).ToList(),
        Dns = DnsService.Canonical(config.Dns),
        Wan = WanService.Canonical(config.Wan),
    };

    /// <summary>The restore's enabled 1:1 entries go through the same router-address check as a single write.</summary>
    private async Task<Outcome<GatewayConfig>?> OneToOneAddressHeldAsync(GatewayConfig config, CancellationToken ct)
    {
        for (var i = 0; i < config.OneToOne.Count; i++)
        {
            if (await oneToOne.HeldByTheRouterAsync(config.OneToOne[i], ct) is { } held)
            {
                var message = held.Message!;
                return Outcome<GatewayConfig>.Conflict(message, new Dictionary<string, string[]> { [$"oneToOne[{i}].externalAddress"] = [message] });
            }
        }

        return null;
    }

    /// <summary>The newest revision with its config, consistent with each other; null before setup.</summary>
    public Task<(long Revision, GatewayConfig Config)?> SnapshotAsync(CancellationToken ct = default) => snapshots.SnapshotAsync(ct);

    /// <summary>The whole state read from the database in <paramref name="db"/>'s transaction (no cache).</summary>
    internal static async Task<GatewayConfig?> ReadConfigAsync(GatewayDbContext db, CancellationToken ct)
    {
        var network = await db.Network.AsNoTracking().SingleOrDefaultAsync(ct);
        if (network is null)
        {
            return null;
        }

        var policy = await db.MacPolicy.AsNoTracking().SingleAsync(ct);
        var logging = await db.Logging.AsNoTracking().SingleAsync(ct);
        var rules = await RuleService.LoadAllAsync(db, ct);
        var protection = await db.Protection.AsNoTracking().SingleAsync(ct);
        var helpers = await db.Helpers.AsNoTracking().SingleAsync(ct);
        return new GatewayConfig(
            network.ToRecord(),
            await ListTable.LoadByIdAsync<PortForwardEntity, PortForward>(db, ct),
            await ListTable.LoadByIdAsync<MacFilterEntity, MacFilter>(db, ct),
            new MacPolicy(policy.Mode),
            logging.ToRecord(),
            rules,
            protection.ToRecord(),
            await ListTable.LoadByIdAsync<OneToOneEntity, OneToOneNat>(db, ct),
            await ListTable.LoadByIdAsync<RedirectEntity, Redirect>(db, ct),
            await ListTable.LoadByIdAsync<PolicyRouteEntity, PolicyRoute>(db, ct),
            helpers.ToRecord(),
            await ListTable.LoadByIdAsync<PinholeEntity, Pinhole>(db, ct),
            (await db.Dhcp.AsNoTracking().SingleAsync(ct)).ToRecord(),
            await ListTable.LoadByIdAsync<StaticLeaseEntity, StaticLease>(db, ct),
            (await db.Dns.AsNoTracking().SingleAsync(ct)).ToRecord(),
            (await db.Upnp.AsNoTracking().SingleAsync(ct)).ToRecord(),
            (await db.Wan.AsNoTracking().SingleAsync(ct)).ToRecord(),
            await ListTable.LoadByIdAsync<MirrorEntity, Mirror>(db, ct));
    }
}

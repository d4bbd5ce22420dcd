using Gateway.Agent.Interop;
using Gateway.Shared.Config;

namespace Gateway.Agent.Nft;

/// <summary>
/// The uids and gids of the accounts the output rules name, looked up when a snapshot is applied (the compiler
/// stays a pure function: it is handed the numbers). An account that no longer exists fails that apply with a
/// reason that names the rule and the account, and the previous table stays.
/// </summary>
public sealed class RuleAccounts
{
    private readonly IReadOnlyDictionary<string, uint> _users;
    private readonly IReadOnlyDictionary<string, uint> _groups;

    public RuleAccounts(IReadOnlyDictionary<string, uint> users, IReadOnlyDictionary<string, uint> groups)
    {
        _users = users;
        _groups = groups;
    }

    /// <summary>No accounts: right for every config whose rules name none.</summary>
    public static RuleAccounts None { get; } = new(new Dictionary<string, uint>(), new Dictionary<string, uint>());

    /// <summary>
    /// Looks up every user and group the enabled rules of <paramref name="config"/> name (disabled rules compile to
    /// nothing, so an account they name may be gone). <paramref name="error"/> names the first one missing.
    /// </summary>
    public static RuleAccounts? Resolve(GatewayConfig config, Func<string, uint?> user, Func<string, uint?> group, out string? error)
    {
        ArgumentNullException.ThrowIfNull(config);
        var users = new Dictionary<string, uint>(StringComparer.Ordinal);
        var groups = new Dictionary<string, uint>(StringComparer.Ordinal);
        error = null;
        foreach (var rule in config.Rules.Where(r => r.Enabled))
        {
            if (rule.User is { } userName && !users.ContainsKey(userName))
            {
                if (user(userName) is not { } uid)
                {
                    error = $"Rule {rule.Id} ({rule.Name}): the user {userName} does not exist on the router.";
                    return null;
                }

                users[userName] = uid;
            }

            if (rule.Group is { } groupName && !groups.ContainsKey(groupName))
            {
                if (group(groupName) is not { } gid)
                {
                    error = $"Rule {rule.Id} ({rule.Name}): the group {groupName} does not exist on the router.";
                    return null;
                }

                groups[groupName] = gid;
            }
        }

        return new RuleAccounts(users, groups);
    }

    /// <summary>The system's own lookups (getpwnam / getgrnam, so NSS answers as it does for every other program).</summary>
    public static unsafe uint? SystemUser(string name)
    {
        var entry = Libc.GetPwNam(name);
        return entry is null ? null : entry->Uid;
    }

    /// <inheritdoc cref="SystemUser"/>
    public static unsafe uint? SystemGroup(string name)
    {
        var entry = Libc.GetGrNam(name);
        return entry is null ? null : entry->Gid;
    }

    internal uint UserId(TrafficRule rule) =>
        _users.TryGetValue(rule.User!, out var uid) ? uid : throw new ArgumentException($"Rule {rule.Id}: the user {rule.User} was not resolved.");

    internal uint GroupId(TrafficRule rule) =>
        _groups.TryGetValue(rule.Group!, out var gid) ? gid : throw new ArgumentException($"Rule {rule.Id}: the group {rule.Group} was not resolved.");
}

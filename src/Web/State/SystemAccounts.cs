using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>
/// Whether the router has the user and group a rule names: read from <c>/etc/passwd</c> and <c>/etc/group</c>, which
/// every account may read (the web runs unprivileged and without the agent's libc lookups). The agent resolves the
/// names again at every apply, so an account removed later fails that apply instead.
/// </summary>
public static class SystemAccounts
{
    private const string PasswdFile = "/etc/passwd";
    private const string GroupFile = "/etc/group";

    /// <summary>
    /// Adds a 400 message for each of <paramref name="rule"/>'s user and group the router lacks; names the shared
    /// validator already refused (<paramref name="errors"/> holds their path) are not looked up.
    /// </summary>
    public static void Check(TrafficRule rule, ValidationErrors errors, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(errors);
        Check(rule.User, PasswdFile, "user", "user", errors, prefix);
        Check(rule.Group, GroupFile, "group", "group", errors, prefix);
    }

    private static void Check(string? name, string file, string field, string noun, ValidationErrors errors, string prefix)
    {
        var path = ValidationErrors.Path(prefix, field);
        if (name is null || errors.Has(path) || !FieldRules.IsAccountName(name))
        {
            return;
        }

        if (!Names(file).Contains(name))
        {
            errors.Add(path, $"The router has no {noun} named {name}.");
        }
    }

    /// <summary>The first field of each line: the account names. A file that can't be read names nobody.</summary>
    private static HashSet<string> Names(string file)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(file))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    names.Add(line[..colon]);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Every name is then refused: the agent could not be relied on to find it either.
        }

        return names;
    }
}

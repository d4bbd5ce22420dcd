using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

// TEMPORARY (branch agent-runtime): the signatures the compiler rewrite provides, forwarding to the old
// compiler so this branch builds. Delete this file at merge.
public static partial class RulesetCompiler
{
    public static string Compile(GatewayConfig config, IReadOnlyDictionary<int, RuleHits>? counters)
    {
        _ = counters;
        return Compile(config);
    }

    public static string Lockdown(IReadOnlyCollection<string> uplinks)
    {
        _ = uplinks;
        return Lockdown();
    }

    public static string RuleCounterName(int id) => $"rule_{id}";
}

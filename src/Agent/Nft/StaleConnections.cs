using System.Globalization;
using Gateway.Agent.Conntrack;
using Gateway.Shared.Config;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Nft;

/// <summary>
/// Closes the connections an apply made stale: those whose ct mark (<see cref="CtMarks"/>) belongs to an entry that
/// was removed, disabled, or changed in a way packets see. Logs through the apply manager's logger.
/// </summary>
public sealed partial class StaleConnections(IRulesetKernel kernel, ILogger logger)
{
    /// <summary>Deletes the conntrack entries of the marks <see cref="Marks"/> finds between the two configs.</summary>
    public void Close(GatewayConfig? previous, GatewayConfig next)
    {
        var stale = Marks(previous, next);
        if (stale.Count == 0)
        {
            return;
        }

        try
        {
            kernel.DeleteConnectionsByMark(stale);

            // A restore retires every forward's mark: name a few, count the rest, rather than log 10,000 of them.
            var named = string.Join(",", stale.Take(8).Select(m => "0x" + m.ToString("x", CultureInfo.InvariantCulture)));
            LogClosed(stale.Count > 8 ? $"{named} and {stale.Count - 8} more" : named);
        }
        catch (ConntrackException ex)
        {
            LogCloseFailed(ex.Message);
        }
    }

    /// <summary>Ids of forwards whose existing connections must go: removed, disabled, or changed in a way packets see.</summary>
    public static IReadOnlyList<int> ForwardIds(GatewayConfig? previous, GatewayConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (previous is null)
        {
            return [];
        }

        var now = next.PortForwards.Where(f => f.Enabled && f.Id > 0).ToDictionary(f => f.Id);
        var stale = new List<int>();
        foreach (var old in previous.PortForwards.Where(f => f.Enabled && f.Id > 0))
        {
            if (!now.TryGetValue(old.Id, out var current) || PacketShape(old) != PacketShape(current))
            {
                stale.Add(old.Id);
            }
        }

        return stale;
    }

    /// <summary>
    /// The ct marks whose connections must go after moving from <paramref name="previous"/> to
    /// <paramref name="next"/>: forwards, 1:1 entries, redirects, IPv6 pinholes, policy routes and input/forward
    /// accept rules that were enabled and are now removed, disabled, or changed in a way packets see. A policy route
    /// whose slot moved counts as changed (its table, rule and packet mark are the slot's number). A rule's rate is
    /// about new connections, so changing it alone cuts nothing.
    /// </summary>
    public static IReadOnlyList<uint> Marks(GatewayConfig? previous, GatewayConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (previous is null)
        {
            return [];
        }

        var marks = ForwardIds(previous, next).Select(CtMarks.PortForward).ToList();
        marks.AddRange(Stale(previous.OneToOne, next.OneToOne, o => o.Enabled, o => o.Id, o => o with { Name = string.Empty }).Select(CtMarks.OneToOne));
        marks.AddRange(Stale(previous.Redirects, next.Redirects, r => r.Enabled, r => r.Id, r => r with { Name = string.Empty }).Select(CtMarks.Redirect));
        marks.AddRange(Stale(previous.Pinholes, next.Pinholes, p => p.Enabled, p => p.Id, p => p with { Name = string.Empty }).Select(CtMarks.Pinhole));
        marks.AddRange(Stale(Slotted(previous), Slotted(next), _ => true, p => p.Route.Id, p => (p.Route with { Name = string.Empty }, p.Slot)).Select(CtMarks.PolicyRoute));
        marks.AddRange(Stale(MarkingRules(previous), MarkingRules(next), r => r.Enabled, r => r.Id, r => r with { Name = string.Empty, LogLevel = null, Limit = null }).Select(CtMarks.Rule));
        return marks;
    }

    // Name and log level don't change what a packet meets, so they don't cut connections.
    private static PortForward PacketShape(PortForward forward) => forward with { Name = string.Empty, LogLevel = null };

    /// <summary>The rules whose accepted connections carry their mark (RulesetCompiler.MarksConnections).</summary>
    private static IEnumerable<TrafficRule> MarkingRules(GatewayConfig config) =>
        config.Rules.Where(r => r.Action == RuleAction.Accept && r.Chain != RuleChain.Output);

    private static List<(PolicyRoute Route, int Slot)> Slotted(GatewayConfig config) =>
        [.. config.PolicyRoutes.Where(r => r.Enabled).OrderBy(r => r.Id).Select((r, slot) => (r, slot))];

    private static IEnumerable<int> Stale<T, TShape>(IEnumerable<T> before, IEnumerable<T> after, Func<T, bool> enabled, Func<T, int> id, Func<T, TShape> shape)
    {
        var now = after.Where(e => enabled(e) && id(e) > 0).GroupBy(id).ToDictionary(g => g.Key, g => shape(g.First()));
        foreach (var old in before.Where(e => enabled(e) && id(e) > 0))
        {
            if (!now.TryGetValue(id(old), out var current) || !EqualityComparer<TShape>.Default.Equals(current, shape(old)))
            {
                yield return id(old);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed connections of changed or removed entries with ct marks {Marks}")]
    private partial void LogClosed(string marks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete conntrack entries: {Error}")]
    private partial void LogCloseFailed(string error);
}

using Gateway.Shared.Protocol;

namespace Gateway.Web.Components.Shared;

/// <summary>
/// A sample's per-forward connection counts by forward id, built once per sample so that a table of
/// forwards looks each row up instead of scanning the list per row every second.
/// </summary>
public static class ForwardCounts
{
    public static IReadOnlyDictionary<int, long> ById(ConntrackSample? sample)
    {
        var counts = new Dictionary<int, long>();
        foreach (var forward in sample?.PortForwards ?? [])
        {
            counts.TryAdd(forward.Id, forward.Connections); // the first wins, as a list scan would
        }

        return counts;
    }
}

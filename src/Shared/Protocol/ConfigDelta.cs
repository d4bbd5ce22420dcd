using System.Text.Json;
using Gateway.Shared.Config;

namespace Gateway.Shared.Protocol;

/// <summary>
/// The two ends of an <c>apply-delta</c>: <see cref="Apply"/> (the agent: a held config and the frame's changes give
/// the new config, or why not) and <see cref="OneChange"/> (the web: the one item change between the config the agent
/// holds and the newest one, if that is all that changed and the agent's <see cref="Apply"/> gives exactly it).
/// </summary>
public static class ConfigDelta
{
    /// <summary>
    /// <paramref name="config"/> with <paramref name="changes"/> made in order, or null with <paramref name="error"/>
    /// naming the first change that is not understood (an unknown list or op, an item that does not parse or whose id
    /// differs, a delete of an id that is not there). Validation of the result is the apply's, as for a whole config.
    /// </summary>
    public static GatewayConfig? Apply(GatewayConfig config, IReadOnlyList<ListChange>? changes, out string? error)
    {
        ArgumentNullException.ThrowIfNull(config);
        error = null;
        if (changes is null || changes.Count == 0)
        {
            error = "changes: at least one change is required.";
            return null;
        }

        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            var at = $"changes[{i}]";
            if (change is null)
            {
                error = $"{at}: null.";
                return null;
            }

            if (ConfigLists.Find(change.List) is not { } list)
            {
                error = $"{at}.list: unknown list '{change.List}'.";
                return null;
            }

            if (change.Id <= 0)
            {
                error = $"{at}.id: must be a positive id.";
                return null;
            }

            object? item = null;
            switch (change.Op)
            {
                case ListChange.Put:
                    if (change.Item is not { ValueKind: JsonValueKind.Object } json)
                    {
                        error = $"{at}.item: a put needs the item object.";
                        return null;
                    }

                    try
                    {
                        item = json.Deserialize(AgentJsonContext.Default.GetTypeInfo(list.ItemType)!);
                    }
                    catch (JsonException ex)
                    {
                        error = $"{at}.item: {ex.Message}";
                        return null;
                    }

                    if (item is null || list.IdOf(item) != change.Id)
                    {
                        error = $"{at}.item: its id is not {change.Id}.";
                        return null;
                    }

                    break;
                case ListChange.Delete:
                    if (change.Item is { ValueKind: not JsonValueKind.Null })
                    {
                        error = $"{at}.item: a delete carries no item.";
                        return null;
                    }

                    break;
                default:
                    error = $"{at}.op: unknown op '{change.Op}' (put or delete).";
                    return null;
            }

            if (list.With(config, change.Id, item) is not { } next)
            {
                error = $"{at}.id: {change.List} holds no item {change.Id}.";
                return null;
            }

            config = next;
        }

        return config;
    }

    /// <summary>
    /// The single item change that turns <paramref name="before"/> into <paramref name="after"/>, or null when more
    /// (or anything beyond one list item) changed, or when the agent's <see cref="Apply"/> of that change would not
    /// give <paramref name="after"/>'s list item for item (say, rules reordered). Settings and unchanged lists are
    /// compared by reference first, then by value; items likewise, so the web's cache, which shares unchanged
    /// instances between revisions, makes this a walk over one list.
    /// </summary>
    public static ListChange? OneChange(GatewayConfig before, GatewayConfig after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ListChange? found = null;
        foreach (var property in AgentJsonContext.Default.GatewayConfig.Properties)
        {
            var old = property.Get!(before);
            var now = property.Get!(after);
            if (ReferenceEquals(old, now) || Equals(old, now))
            {
                continue;
            }

            if (ConfigLists.Find(property.Name) is not { } list)
            {
                return null; // a setting changed
            }

            if (!OneItem(list, list.Of(before), list.Of(after), out var change))
            {
                return null;
            }

            if (change is not null)
            {
                if (found is not null)
                {
                    return null; // a second list changed
                }

                found = change;
            }
        }

        return found;
    }

    /// <summary>False when more than one item changed; else true, with the change or null (equal item for item).</summary>
    private static bool OneItem(ConfigList list, IReadOnlyList<object> old, IReadOnlyList<object> now, out ListChange? change)
    {
        change = null;

        // The first place the two differ; the change is the item there (put) or the one that went (delete).
        var first = 0;
        while (first < old.Count && first < now.Count && Same(old[first], now[first]))
        {
            first++;
        }

        if (first == old.Count && first == now.Count)
        {
            return true; // equal item for item: a new list instance with nothing changed
        }

        int id;
        object? item;
        if (now.Count >= old.Count && first < now.Count)
        {
            item = now[first];
            id = list.IdOf(item);
        }
        else
        {
            item = null;
            id = list.IdOf(old[first]);
        }

        // Checked the agent's way: the change applied to the old list must give the new one exactly.
        var result = list.Placed(old, id, item);
        if (result is null || result.Count != now.Count)
        {
            return false;
        }

        for (var i = first; i < now.Count; i++)
        {
            if (!Same(result[i], now[i]))
            {
                return false;
            }
        }

        change = item is null
            ? new ListChange(list.Key, ListChange.Delete, id)
            : new ListChange(list.Key, ListChange.Put, id, JsonSerializer.SerializeToElement(item, AgentJsonContext.Default.GetTypeInfo(list.ItemType)!));
        return true;
    }

    private static bool Same(object a, object b) => ReferenceEquals(a, b) || a.Equals(b);
}

namespace Gateway.Shared.Config;

/// <summary>
/// One list of <see cref="GatewayConfig"/> whose items carry an int id (<c>portForwards</c>, <c>rules</c>, …), named by
/// its JSON key: what an <c>apply-delta</c> frame's changes address. Every list keeps the order the web's lists have
/// (<c>src/Web/State/RowChange.cs</c>): an item put under an id already there keeps its place, a new one goes before
/// the first higher id (the end, for the rules' run order, where a new rule has the highest id).
/// </summary>
public abstract class ConfigList
{
    private protected ConfigList(string key) => Key = key;

    /// <summary>The list's key in the config JSON.</summary>
    public string Key { get; }

    public abstract Type ItemType { get; }

    public abstract IReadOnlyList<object> Of(GatewayConfig config);

    public abstract int IdOf(object item);

    /// <summary>
    /// <paramref name="config"/> with <paramref name="item"/> put under <paramref name="id"/> (or that id's item
    /// removed when <paramref name="item"/> is null); null when a removed id is not there.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="item"/> is not of <see cref="ItemType"/>.</exception>
    public abstract GatewayConfig? With(GatewayConfig config, int id, object? item);

    /// <summary><paramref name="list"/> (this list's items) changed as <see cref="With"/> changes the config's.</summary>
    public abstract IReadOnlyList<object>? Placed(IReadOnlyList<object> list, int id, object? item);
}

/// <inheritdoc />
internal sealed class ConfigList<T>(string key, Func<GatewayConfig, IReadOnlyList<T>> get, Func<GatewayConfig, IReadOnlyList<T>, GatewayConfig> with, Func<T, int> idOf)
    : ConfigList(key)
    where T : class
{
    public override Type ItemType => typeof(T);

    public override IReadOnlyList<object> Of(GatewayConfig config) => get(config);

    public override int IdOf(object item) => idOf((T)item);

    public override GatewayConfig? With(GatewayConfig config, int id, object? item) =>
        Place(get(config), id, Checked(item)) is { } list ? with(config, list) : null;

    public override IReadOnlyList<object>? Placed(IReadOnlyList<object> list, int id, object? item) =>
        Place(list.Cast<T>().ToList(), id, Checked(item));

    private T? Checked(object? item) => item is null or T
        ? (T?)item
        : throw new ArgumentException($"A {Key} item is a {typeof(T).Name}, not a {item.GetType().Name}.", nameof(item));

    private List<T>? Place(IReadOnlyList<T> list, int id, T? item)
    {
        var at = -1;
        var before = -1;
        for (var i = 0; i < list.Count; i++)
        {
            var current = idOf(list[i]);
            if (current == id)
            {
                at = i;
            }
            else if (before < 0 && current > id)
            {
                before = i;
            }
        }

        if (at < 0 && item is null)
        {
            return null;
        }

        var result = new List<T>(list.Count + 1);
        var place = at >= 0 ? at : before >= 0 ? before : list.Count;
        for (var i = 0; i < list.Count; i++)
        {
            if (i == place && item is not null)
            {
                result.Add(item);
            }

            if (i != at)
            {
                result.Add(list[i]);
            }
        }

        if (place == list.Count && item is not null)
        {
            result.Add(item);
        }

        return result;
    }
}

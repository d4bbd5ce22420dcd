using System.Text.Json;

namespace Gateway.Web.State;

/// <summary>
/// A bad value inside a restore item. <see cref="JsonException.Path"/> is left for the serializer to set to the item
/// (<c>$.portForwards[3]</c>); <see cref="Tail"/> is the rest of the path inside the item (<c>.id</c>), "" for the item itself.
/// </summary>
public sealed class ConfigItemJsonException(string tail, Exception? inner) : JsonException("Wrong type or malformed value.", inner)
{
    public string Tail { get; } = tail;
}

using System.Text.Json.Serialization;

namespace Gateway.Web.State;

/// <summary>
/// One list item of a restore: an optional <c>id</c> (kept when it names an item that exists) and the item input read
/// from the same JSON object. The wire shape is the item input's fields plus <c>id</c>; <see cref="ConfigItemConverter"/>
/// reads the object once as <typeparamref name="TInput"/>, so every field the item input has reaches the restore
/// without a second list of fields to keep in step.
/// </summary>
[JsonConverter(typeof(ConfigItemConverter))]
public sealed record ConfigItem<TInput>(int? Id, TInput Input)
    where TInput : class;

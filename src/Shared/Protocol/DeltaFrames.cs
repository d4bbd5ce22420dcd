using System.Text.Json;

namespace Gateway.Shared.Protocol;

/// <summary>
/// Apply the config the agent holds (revision <paramref name="Base"/>, whose digest is <paramref name="BaseDigest"/>)
/// with <paramref name="Changes"/> made to it, as <paramref name="Revision"/>. The agent answers with
/// <see cref="AppliedEvent"/> as for the whole <see cref="ApplyRequest"/> of the resulting config; when it does not
/// hold that base, or a change does not make sense, it applies nothing and answers with
/// <see cref="AppliedEvent.Resync"/> set: the web then sends the whole config. Known to agents of protocol 2 on.
/// </summary>
/// <param name="ConfirmSeconds">As on <see cref="ApplyRequest"/>.</param>
public sealed record ApplyDeltaRequest(long Revision, long Base, string? BaseDigest, IReadOnlyList<ListChange> Changes, int? ConfirmSeconds = null) : AgentRequest;

/// <summary>
/// One item of one list: <paramref name="Op"/> <c>put</c> (<paramref name="Item"/>, whose id is
/// <paramref name="Id"/>, replaces that id's item in its place or is added in id order) or <c>delete</c> (the item of
/// <paramref name="Id"/> goes). Text rather than enums so that an unknown list or op is answered, not a bad frame.
/// </summary>
/// <param name="List">A list key of the config (<see cref="Config.ConfigLists"/>), e.g. <c>portForwards</c>.</param>
public sealed record ListChange(string List, string Op, int Id, JsonElement? Item = null)
{
    public const string Put = "put";

    public const string Delete = "delete";
}

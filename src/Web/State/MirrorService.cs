using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.AgentLink;
using Gateway.Web.Data.Entities;

namespace Gateway.Web.State;

/// <summary>
/// Traffic mirrors. A mirror that would copy its own copies is refused: into the mirrored link or a port of the
/// mirrored bridge (400 on <c>toInterface</c>), or into a link another enabled mirror copies from (409).
/// </summary>
public sealed class MirrorService(StateWriter writer, DesiredStateCache snapshots, AgentClient link)
    : ListService<Mirror, MirrorEntity, MirrorInput>(writer, snapshots)
{
    protected override string Noun => "mirror";

    protected override IReadOnlyList<Mirror> Pick(GatewayConfig config) => config.Mirrors;

    protected override Mirror? ToRecord(MirrorInput input, int id, ValidationErrors errors, Mirror? stored) => input.ToMirror(id, errors);

    protected override void Validate(Mirror record, NetworkSettings? network, ValidationErrors errors) => ConfigValidator.ValidateMirror(record, errors);

    protected override MirrorEntity NewEntity(Mirror record) => MirrorEntity.From(record);

    protected override int RecordId(Mirror record) => record.Id;

    protected override Outcome<Mirror>? Conflict(Mirror record, IReadOnlyList<Mirror> stored)
    {
        if (!record.Enabled)
        {
            return null;
        }

        var other = stored.FirstOrDefault(m => m.Id != record.Id && m.Enabled && (m.Interface == record.ToInterface || m.ToInterface == record.Interface));
        return other is null
            ? null
            : Clash("toInterface", $"The enabled mirror \"{other.Name}\" (id {other.Id}) copies from {other.Interface} into {other.ToInterface}: together they would copy each other's copies.");
    }

    /// <summary>
    /// A bridge and its ports see the same frames: copies into a port of the mirrored bridge (or into the bridge of a
    /// mirrored port) come back as traffic to copy. Needs the agent's link list; without the agent the agent's own
    /// check at apply time stands alone.
    /// </summary>
    protected override async Task<Outcome<Mirror>?> PrecheckAsync(int id, MirrorInput input, CancellationToken ct)
    {
        if (input.Interface is not { } mirrored || input.ToInterface is not { } target)
        {
            return null;
        }

        Shared.Protocol.InterfacesReply reply;
        try
        {
            reply = await link.GetInterfacesReplyAsync(ct);
        }
        catch (AgentUnavailableException)
        {
            return null;
        }

        var masters = (reply.Interfaces ?? []).ToDictionary(l => l.Name, l => l.Master, StringComparer.Ordinal);
        return masters.GetValueOrDefault(target) == mirrored || masters.GetValueOrDefault(mirrored) == target
            ? Outcome<Mirror>.Invalid("toInterface", $"{target} and {mirrored} are a bridge and one of its ports: the copies would be copied again.")
            : null;
    }
}

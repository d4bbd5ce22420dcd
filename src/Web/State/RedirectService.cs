using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.Data.Entities;

namespace Gateway.Web.State;

/// <summary>Redirects to the router's own ports (the HOWTO's REDIR); they need nothing stored to be checked.</summary>
public sealed class RedirectService(StateWriter writer, DesiredStateCache snapshots)
    : ListService<Redirect, RedirectEntity, RedirectInput>(writer, snapshots)
{
    protected override string Noun => "redirect";

    protected override IReadOnlyList<Redirect> Pick(GatewayConfig config) => config.Redirects;

    protected override Redirect? ToRecord(RedirectInput input, int id, ValidationErrors errors, Redirect? stored) => input.ToRedirect(id, errors);

    protected override void Validate(Redirect record, NetworkSettings? network, ValidationErrors errors) => ConfigValidator.ValidateRedirect(record, errors);

    protected override RedirectEntity NewEntity(Redirect record) => RedirectEntity.From(record);

    protected override int RecordId(Redirect record) => record.Id;
}

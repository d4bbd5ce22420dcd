using Gateway.Shared.Config;
using Gateway.Shared.Validation;

namespace Gateway.Web.State;

/// <summary>The body of POST/PUT /api/v1/mirrors. <c>enabled</c> defaults to true, <c>direction</c> to both, no filter to every packet.</summary>
public sealed record MirrorInput(
    string? Name,
    bool? Enabled,
    string? Interface,
    MirrorDirection? Direction,
    string? Source,
    string? Destination,
    string? ToInterface)
{
    public Mirror? ToMirror(int id, ValidationErrors errors, string prefix = "")
    {
        var complete = new RequiredFields(errors, prefix)
            .Require(Name, "name")
            .Require(Interface, "interface")
            .Require(ToInterface, "toInterface")
            .Complete;
        return complete
            ? new Mirror(id, Name!, Enabled ?? true, Interface!, Direction ?? MirrorDirection.Both, RedirectInput.OrNull(Source), RedirectInput.OrNull(Destination), ToInterface!)
            : null;
    }

    public static MirrorInput From(Mirror mirror) =>
        new(mirror.Name, mirror.Enabled, mirror.Interface, mirror.Direction, mirror.Source, mirror.Destination, mirror.ToInterface);
}

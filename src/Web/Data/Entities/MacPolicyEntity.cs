using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>The one row holding the MAC filter mode.</summary>
public sealed class MacPolicyEntity
{
    public int Id { get; set; } = SingletonRow.Id;

    public MacFilterMode Mode { get; set; }
}

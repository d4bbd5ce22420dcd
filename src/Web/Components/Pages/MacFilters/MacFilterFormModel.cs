using Gateway.Shared.Config;
using Gateway.Web.State;

namespace Gateway.Web.Components.Pages.MacFilters;

public sealed class MacFilterFormModel
{
    public string Mac { get; set; } = "";

    public string Name { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public static MacFilterFormModel From(MacFilter filter) => new() { Mac = filter.Mac, Name = filter.Name, Enabled = filter.Enabled };

    public MacFilterInput ToInput() => new(Mac.Trim(), Name.Trim(), Enabled);

    public static MacFilterInput ToInput(MacFilter filter, bool enabled) => new(filter.Mac, filter.Name, enabled);
}

using Gateway.Shared.Config;

namespace Gateway.Web.Data.Entities;

/// <summary>
/// A source-based route. Its id goes into its conntrack mark (<c>CtMarks.PolicyRoute</c>), and enabled routes
/// take routing table slots in id order, so ids come from an AUTOINCREMENT column and are never reused.
/// </summary>
public sealed class PolicyRouteEntity : IListEntity<PolicyRoute>
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public required string Source { get; set; }

    public required string OutInterface { get; set; }

    public string? Gateway { get; set; }

    public bool Masquerade { get; set; }

    public PolicyRoute ToRecord() => new(Id, Name, Enabled, Source, OutInterface, Gateway, Masquerade);

    public void CopyFrom(PolicyRoute route)
    {
        Name = route.Name;
        Enabled = route.Enabled;
        Source = route.Source;
        OutInterface = route.OutInterface;
        Gateway = route.Gateway;
        Masquerade = route.Masquerade;
    }

    public static PolicyRouteEntity From(PolicyRoute route)
    {
        var entity = new PolicyRouteEntity { Name = route.Name, Source = route.Source, OutInterface = route.OutInterface };
        entity.CopyFrom(route);
        return entity;
    }
}

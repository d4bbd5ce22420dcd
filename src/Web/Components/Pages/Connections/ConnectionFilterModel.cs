namespace Gateway.Web.Components.Pages.Connections;

/// <summary>The Connections page's filter fields, as typed (checked by the same rules as the REST query).</summary>
public sealed class ConnectionFilterModel
{
    public string? Protocol { get; set; }

    public string? Address { get; set; }

    public string? Port { get; set; }

    public string? Device { get; set; }
}

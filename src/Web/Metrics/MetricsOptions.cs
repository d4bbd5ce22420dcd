namespace Gateway.Web.Metrics;

/// <summary>The <c>Metrics</c> configuration section.</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// CIDRs (IPv4 or IPv6, e.g. "192.168.1.10/32") whose clients may scrape <c>/metrics</c> without a token.
    /// Empty by default: every scrape needs <c>Authorization: Bearer &lt;token&gt;</c>.
    /// </summary>
    public IList<string> AllowAnonymousFrom { get; } = [];
}

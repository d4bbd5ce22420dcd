namespace Gateway.Web.Security;

/// <summary>The <c>Web</c> configuration section: the names the web answers to besides its own addresses.</summary>
public sealed class HostNamesOptions
{
    /// <summary>
    /// Host names (no port) the owner reaches the panel by, e.g. <c>router.example.net</c>. The router's addresses and
    /// <c>localhost</c> always work; any other name in <c>Host</c> is refused, so a rebound DNS name can't reach the web.
    /// </summary>
    public IList<string> AllowedHostNames { get; } = [];
}

/// <summary>
/// A source of names that are the router's own (each registered source is asked on every check): the configured
/// names, and the router's name on the LAN (<see cref="LanHostNames"/>).
/// </summary>
public interface IRouterHostNames
{
    ValueTask<bool> ContainsAsync(string host);
}

/// <summary><see cref="HostNamesOptions.AllowedHostNames"/>, compared without case and without a trailing dot.</summary>
internal sealed class ConfiguredHostNames(Microsoft.Extensions.Options.IOptions<HostNamesOptions> options) : IRouterHostNames
{
    private readonly HashSet<string> _names = new(
        options.Value.AllowedHostNames.Select(HostGuard.Normalize).Where(n => n.Length > 0), StringComparer.OrdinalIgnoreCase);

    public ValueTask<bool> ContainsAsync(string host) => ValueTask.FromResult(_names.Contains(host));
}

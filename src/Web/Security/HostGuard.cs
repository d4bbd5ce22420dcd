using System.Net;
using System.Net.Sockets;
using Gateway.Web.Auth;

namespace Gateway.Web.Security;

/// <summary>
/// Against DNS rebinding (a page whose name re-resolves to the router, driving the owner's browser at it): the web
/// answers only a <c>Host</c> that is one of the router's own addresses (the address the request arrived on, loopback,
/// or an address of a link the agent reports), <c>localhost</c>, or a name from <see cref="IRouterHostNames"/>; any
/// other gets 421 before anything else runs (no sign-in attempt, no setup). A state-changing request — any method but
/// GET, HEAD and OPTIONS, and every request to the panel's <c>/_blazor</c> hub, whose WebSocket opens with a GET —
/// whose <c>Origin</c> is not such a host gets 403. A request without <c>Origin</c> (curl, scripts) passes that check.
/// </summary>
internal sealed class HostGuard(RequestDelegate next, RouterLinks links, IEnumerable<IRouterHostNames> names)
{
    public const string HostNotAllowed = "host-not-allowed";
    public const string OriginNotAllowed = "origin-not-allowed";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Host.HasValue || !await IsOwnHostAsync(request.Host.Host, context))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status421MisdirectedRequest, HostNotAllowed, "This host name is not the router's.",
                "Use the router's address, localhost, or a name listed in Web:AllowedHostNames.");
            return;
        }

        if (IsStateChanging(request) && request.Headers.Origin is { Count: > 0 } origins
            && !await IsOwnOriginAsync(origins.ToString(), context))
        {
            await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, OriginNotAllowed, "Cross-origin request refused.",
                "The request came from a page that is not served by the router.");
            return;
        }

        await next(context);
    }

    /// <summary>A host name as compared: lower case rules aside, without the brackets of an IPv6 literal or a trailing dot.</summary>
    public static string Normalize(string host)
    {
        var trimmed = host.Trim();
        if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
        {
            trimmed = trimmed[1..^1];
        }

        return trimmed.TrimEnd('.');
    }

    private static bool IsStateChanging(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        || request.Path.StartsWithSegments(CircuitGate.HubPath, StringComparison.OrdinalIgnoreCase);

    private async ValueTask<bool> IsOwnOriginAsync(string origin, HttpContext context) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && await IsOwnHostAsync(uri.Host, context);

    private async ValueTask<bool> IsOwnHostAsync(string host, HttpContext context)
    {
        var name = Normalize(host);
        if (name.Length == 0)
        {
            return false;
        }

        if (!IPAddress.TryParse(name, out var address))
        {
            if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            foreach (var source in names)
            {
                if (await source.ContainsAsync(name))
                {
                    return true;
                }
            }

            return false;
        }

        address = Unmapped(address);
        if (IPAddress.IsLoopback(address) || context.Connection.LocalIpAddress is { } local && Unmapped(local).Equals(address))
        {
            return true;
        }

        // Any other literal must be an address of one of the router's links (e.g. the LAN address reached through a
        // port the web listens on under another address).
        var known = await links.GetAsync(context.RequestAborted);
        return known is not null && known.Any(link => link.Addresses.Any(cidr => IsAddress(cidr, address)));
    }

    private static bool IsAddress(string cidr, IPAddress address)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        return IPAddress.TryParse(slash < 0 ? cidr : cidr[..slash], out var own) && Unmapped(own).Equals(address);
    }

    private static IPAddress Unmapped(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

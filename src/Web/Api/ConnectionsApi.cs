using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Gateway.Shared.Protocol;
using Gateway.Shared.Validation;
using Gateway.Web.AgentLink;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>
/// GET /api/v1/connections (a filtered page of the conntrack table, newest first, from the agent) and
/// DELETE /api/v1/connections/{id} (cut one flow).
/// </summary>
public static partial class ConnectionsApi
{
    public const int MaxLimit = 1000;
    private static readonly string[] Protocols = ["tcp", "udp", "icmp", "icmpv6"];

    public static RouteGroupBuilder MapConnections(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/connections").WithTags("Connections").RequireApiAuth();
        group.MapGet("/", ListAsync)
            .WithName("ListConnections")
            .WithSummary("Tracked connections, newest first: filters (protocol, address of either end, port, device MAC) combine with AND; limit 1–1000 (default 100); cursor from nextCursor.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapDelete("/{id}", KillAsync)
            .WithName("KillConnection")
            .WithSummary("Deletes that connection's conntrack entry: no further packet of the flow crosses the router.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>Parses the query into a request, or names each bad field.</summary>
    public static ListConnectionsRequest? Parse(
        string? protocol, string? address, string? port, string? device, string? limit, string? cursor, Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        // The contract writes the query as ?protocol=&address=&…: an empty value is a filter not given.
        (protocol, address, port, device, limit, cursor) = (Given(protocol), Given(address), Given(port), Given(device), Given(limit), Given(cursor));
        var count = 100;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
        {
            errors["limit"] = [$"A number from 1 to {MaxLimit}."];
        }

        if (protocol is not null && !Protocols.Contains(protocol.ToLowerInvariant()))
        {
            errors["protocol"] = ["One of tcp, udp, icmp, icmpv6."];
        }

        if (address is not null && (address.Contains('/', StringComparison.Ordinal) || !IPAddress.TryParse(address, out _)))
        {
            errors["address"] = ["An IPv4 or IPv6 address."];
        }

        int? portNumber = null;
        if (port is not null)
        {
            if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 65535)
            {
                portNumber = p;
            }
            else
            {
                errors["port"] = ["A port from 1 to 65535."];
            }
        }

        string? mac = null;
        if (device is not null && !MacAddress.TryNormalize(device, out mac))
        {
            errors["device"] = ["A MAC address."];
        }

        if (cursor is not null && !CursorPattern().IsMatch(cursor))
        {
            errors["cursor"] = ["A nextCursor from an earlier page."];
        }

        return errors.Count > 0 ? null : new ListConnectionsRequest(protocol?.ToLowerInvariant(), address, portNumber, mac, Limit: count, Cursor: cursor);
    }

    private static string? Given(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static async Task<Results<Ok<ConnectionsPage>, ValidationProblem, ProblemHttpResult>> ListAsync(
        AgentClient agent,
        string? protocol = null,
        string? address = null,
        string? port = null,
        string? device = null,
        string? limit = null,
        string? cursor = null,
        CancellationToken ct = default)
    {
        var errors = new Dictionary<string, string[]>();
        var request = Parse(protocol, address, port, device, limit, cursor, errors);
        if (request is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var reply = await agent.ListConnectionsAsync(request, ct);
            return reply.Error is { } error
                ? ApiResults.AgentUnavailable(error)
                : TypedResults.Ok(new ConnectionsPage(reply.Items, reply.NextCursor, reply.Total));
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> KillAsync(AgentClient agent, string id, CancellationToken ct)
    {
        if (!uint.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var connectionId))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["id"] = ["A connection id from the list."] });
        }

        try
        {
            var reply = await agent.KillConnectionAsync(connectionId, ct);
            if (reply.Error is { } error)
            {
                return ApiResults.AgentUnavailable(error);
            }

            return reply.Found ? TypedResults.NoContent() : ApiResults.NotFound($"No connection {connectionId}: it has ended.");
        }
        catch (AgentUnavailableException ex)
        {
            return ApiResults.AgentUnavailable(ex.Message);
        }
    }

    [GeneratedRegex(@"^[0-9a-f]{1,16}-[0-9a-f]{1,8}\z")]
    private static partial Regex CursorPattern();
}

/// <summary>One page of <c>GET /api/v1/connections</c>.</summary>
public sealed record ConnectionsPage(IReadOnlyList<ConnectionRow> Items, string? NextCursor, long Total);

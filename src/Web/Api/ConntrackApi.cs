using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Api;

/// <summary>
/// GET /api/v1/conntrack: the agent's latest sample; GET /api/v1/conntrack/stream: server-sent events,
/// one <c>data: {json}</c> per sample (about one a second) until the client leaves;
/// GET /api/v1/conntrack/history?seconds=300: the total over the last seconds (1–600), oldest first.
/// </summary>
public static class ConntrackApi
{
    public const int MaxHistorySeconds = 600;

    public static RouteGroupBuilder MapConntrack(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/conntrack").WithTags("Agent").RequireApiAuth();
        group.MapGet("/", Get)
            .WithName("GetConntrack")
            .WithSummary("Connection-tracking counts: total, max, by protocol, per port forward.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/stream", Stream)
            .WithName("StreamConntrack")
            .WithSummary("text/event-stream of conntrack samples.")
            .Produces<ConntrackSample>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/history", History)
            .WithName("GetConntrackHistory")
            .WithSummary("The conntrack total over the last seconds (1–600, default 300), oldest first, about one point a second; kept by the web across agent reconnects.");
        return group;
    }

    private static Results<Ok<ConntrackSample>, ProblemHttpResult> Get(AgentClient agent) =>
        agent is { Connected: true, LatestSample: { } sample }
            ? TypedResults.Ok(sample)
            : ApiResults.AgentUnavailable(agent.Connected ? "No conntrack sample has arrived from the agent yet." : null);

    private static Results<Ok<IReadOnlyList<ConntrackPoint>>, ValidationProblem> History(AgentClient agent, string? seconds = null)
    {
        var window = 300;
        if (seconds is not null && (!int.TryParse(seconds, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out window)
            || window is < 1 or > MaxHistorySeconds))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["seconds"] = [$"A number from 1 to {MaxHistorySeconds}."] });
        }

        // History, not live data: answered while the agent is away too (the points simply stop).
        return TypedResults.Ok(agent.TotalHistory(TimeSpan.FromSeconds(window)));
    }

    private static Results<ConntrackStreamResult, ProblemHttpResult> Stream(AgentClient agent, HttpContext context, CancellationToken ct)
    {
        if (!agent.Connected)
        {
            return ApiResults.AgentUnavailable();
        }

        // Subscribe now, before the response starts, so no sample falls between "stream open" and "listening".
        var feed = new SampleFeed(agent);
        context.Response.RegisterForDispose(feed); // unsubscribes however the request ends
        return new ConntrackStreamResult(feed.ReadAllAsync(ct));
    }

    /// <summary>Samples from the agent link into a small queue; a slow client only ever misses samples.</summary>
    private sealed class SampleFeed : IDisposable
    {
        private readonly AgentClient _agent;
        private readonly Channel<ConntrackSample> _samples =
            Channel.CreateBounded<ConntrackSample>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest });

        public SampleFeed(AgentClient agent)
        {
            _agent = agent;
            _agent.SampleReceived += OnSample;
            if (agent.LatestSample is { } latest)
            {
                _samples.Writer.TryWrite(latest);
            }
        }

        public async IAsyncEnumerable<ConntrackSample> ReadAllAsync([EnumeratorCancellation] CancellationToken ct)
        {
            try
            {
                while (true)
                {
                    ConntrackSample next;
                    try
                    {
                        next = await _samples.Reader.ReadAsync(ct);
                    }
                    catch (OperationCanceledException)
                    {
                        yield break;
                    }

                    yield return next;
                }
            }
            finally
            {
                Dispose();
            }
        }

        public void Dispose() => _agent.SampleReceived -= OnSample;

        private void OnSample(ConntrackSample sample) => _samples.Writer.TryWrite(sample);
    }
}

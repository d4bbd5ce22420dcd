using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>
/// GET /api/v1/conntrack: the agent's latest sample; GET /api/v1/conntrack/stream: server-sent events,
/// one <c>data: {json}</c> per sample (about one a second) until the client leaves.
/// </summary>
public static class ConntrackApi
{
    public static RouteGroupBuilder MapConntrack(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/conntrack").WithTags("Agent").RequireAuthorization();
        group.MapGet("/", Get)
            .WithName("GetConntrack")
            .WithSummary("Connection-tracking counts: total, max, by protocol, per port forward.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/stream", Stream)
            .WithName("StreamConntrack")
            .WithSummary("text/event-stream of conntrack samples.")
            .Produces<ConntrackSample>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static Results<Ok<ConntrackSample>, ProblemHttpResult> Get(AgentLink agent) =>
        agent is { Connected: true, LatestSample: { } sample }
            ? TypedResults.Ok(sample)
            : ApiResults.AgentUnavailable(agent.Connected ? "No conntrack sample has arrived from the agent yet." : null);

    private static Results<ServerSentEventsResult<ConntrackSample>, ProblemHttpResult> Stream(AgentLink agent, CancellationToken ct) =>
        agent.Connected ? TypedResults.ServerSentEvents(SamplesAsync(agent, ct)) : ApiResults.AgentUnavailable();

    private static async IAsyncEnumerable<ConntrackSample> SamplesAsync(AgentLink agent, [EnumeratorCancellation] CancellationToken ct)
    {
        // A slow client only ever misses samples; it never holds the agent link back.
        var samples = Channel.CreateBounded<ConntrackSample>(new BoundedChannelOptions(4) { FullMode = BoundedChannelFullMode.DropOldest });
        void OnSample(ConntrackSample sample) => samples.Writer.TryWrite(sample);
        agent.SampleReceived += OnSample;
        try
        {
            if (agent.LatestSample is { } latest)
            {
                yield return latest;
            }

            while (!ct.IsCancellationRequested)
            {
                ConntrackSample next;
                try
                {
                    next = await samples.Reader.ReadAsync(ct);
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
            agent.SampleReceived -= OnSample;
        }
    }
}

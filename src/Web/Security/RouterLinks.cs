using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Security;

/// <summary>
/// The router's links as the agent last reported them, kept for a few seconds (a singleton): the setup gate and the
/// host check ask on requests, and one agent round trip per request would be too many.
/// </summary>
public sealed class RouterLinks(AgentClient agent, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private (InterfacesReply Reply, DateTimeOffset At)? _cached;

    /// <summary>The links, or null when the agent can't be asked (callers fail closed).</summary>
    public async ValueTask<IReadOnlyList<LinkInfo>?> GetAsync(CancellationToken ct) => (await GetReplyAsync(ct))?.Interfaces;

    /// <summary>The agent's whole interfaces reply (links and the first-boot link), or null when it can't be asked.</summary>
    public async ValueTask<InterfacesReply?> GetReplyAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cached is { } cached && now - cached.At < CacheFor)
        {
            return cached.Reply;
        }

        try
        {
            var reply = await agent.GetInterfacesReplyAsync(ct);
            _cached = (reply, now);
            return reply;
        }
        catch (AgentUnavailableException)
        {
            return null;
        }
    }
}

using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>
/// The requests sent on one connection and not yet answered, by id — one map, as Tmds.DBus keeps method calls by
/// serial. A reply completes the request its <see cref="AgentEvent.ReplyTo"/> names; a reply naming nothing
/// pending (it came after its request timed out), or none (a pushed frame, another client's apply), completes
/// nothing.
/// </summary>
internal sealed class PendingRequests
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Pending> _byId = [];
    private Exception? _closed;

    private sealed record Pending(Type ReplyType, TaskCompletionSource<AgentEvent> Reply);

    public int Count
    {
        get { lock (_lock) { return _byId.Count; } }
    }

    /// <exception cref="AgentUnavailableException">The connection closed already.</exception>
    public Task<AgentEvent> Add(long id, Type replyType)
    {
        var reply = new TaskCompletionSource<AgentEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_closed is not null)
            {
                throw new AgentUnavailableException("The connection to the agent closed.", _closed);
            }

            _byId.Add(id, new Pending(replyType, reply));
        }

        return reply.Task;
    }

    public void Remove(long id)
    {
        lock (_lock)
        {
            _byId.Remove(id);
        }
    }

    /// <returns>True when the frame answered a pending request.</returns>
    public bool TryComplete(AgentEvent reply)
    {
        if (reply.ReplyTo is not { } id)
        {
            return false;
        }

        Pending? match;
        lock (_lock)
        {
            if (!_byId.Remove(id, out match))
            {
                return false;
            }
        }

        if (match.ReplyType.IsInstanceOfType(reply))
        {
            match.Reply.TrySetResult(reply);
        }
        else
        {
            match.Reply.TrySetException(new AgentUnavailableException(
                $"The agent answered a {match.ReplyType.Name} request with {reply.GetType().Name}."));
        }

        return true;
    }

    /// <summary>Fails every pending request with <paramref name="reason"/>, and every later <see cref="Add"/>.</summary>
    public void FailAll(AgentUnavailableException reason)
    {
        List<Pending> failed;
        lock (_lock)
        {
            _closed ??= reason;
            failed = [.. _byId.Values];
            _byId.Clear();
        }

        foreach (var pending in failed)
        {
            pending.Reply.TrySetException(reason);
        }
    }
}

using System.Net.Sockets;
using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>
/// One socket connection to the agent: serialised writes, the read loop, and the requests waiting for their
/// replies. It only talks; what the frames mean is up to the <c>onEvent</c> callback of <see cref="ReadLoopAsync"/>.
/// </summary>
internal sealed class AgentConnection(Stream stream, long session, TimeProvider time, ApplyFrameWriter? applyFrames = null)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly PendingRequests _pending = new();

    /// <summary>Counts connections over the web's life, so a caller can tell a reconnect from the same connection.</summary>
    public long Session { get; } = session;

    /// <summary>True once the agent answered hello (the peer check passed and the protocol is known).</summary>
    public volatile bool Ready;

    /// <summary>Requests still waiting for a reply (for tests and diagnostics).</summary>
    public int PendingCount => _pending.Count;

    public async Task SendAsync(AgentRequest request, CancellationToken ct)
    {
        if (request is ApplyRequest apply && applyFrames is not null)
        {
            // The big one: written once into a pooled buffer, items' JSON reused from earlier frames.
            using var frame = applyFrames.Write(apply);
            await _writeLock.WaitAsync(ct);
            try
            {
                await stream.WriteAsync(frame.Memory, ct);
                await stream.FlushAsync(ct);
            }
            finally
            {
                _writeLock.Release();
            }

            return;
        }

        var body = AgentProtocol.Serialize(request);
        await _writeLock.WaitAsync(ct);
        try
        {
            await Framing.WriteAsync(stream, body, ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends <paramref name="request"/> (its <see cref="AgentRequest.Id"/> set by the caller) and waits for its reply.</summary>
    /// <exception cref="AgentUnavailableException">No reply within <paramref name="timeout"/>, the connection broke, or the reply was of another type.</exception>
    public async Task<TReply> RequestAsync<TReply>(AgentRequest request, TimeSpan timeout, CancellationToken ct)
        where TReply : AgentEvent
    {
        var reply = _pending.Add(request.Id, typeof(TReply));
        try
        {
            await SendAsync(request, ct);
            return (TReply)await reply.WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException ex)
        {
            throw new AgentUnavailableException($"The agent did not answer within {timeout.TotalSeconds:0.#} s.", ex);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidDataException)
        {
            throw new AgentUnavailableException("The connection to the agent broke.", ex);
        }
        finally
        {
            // Answered, timed out or cancelled: a reply arriving now completes nothing.
            _pending.Remove(request.Id);
        }
    }

    /// <summary>
    /// Reads frames until the connection ends, handing each to <paramref name="onEvent"/> (replies too, before the
    /// request they answer completes); ends only by throwing, and then fails every pending request.
    /// </summary>
    /// <exception cref="IOException">The agent closed the connection.</exception>
    /// <exception cref="InvalidDataException">A malformed or unknown frame.</exception>
    public async Task ReadLoopAsync(Action<AgentEvent> onEvent, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                var body = await Framing.ReadAsync(stream, ct) ?? throw new IOException("The agent closed the connection.");
                var agentEvent = AgentProtocol.DeserializeEvent(body);
                onEvent(agentEvent);
                _pending.TryComplete(agentEvent);
            }
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Fails every pending and later request.</summary>
    public void Close() => _pending.FailAll(new AgentUnavailableException("The connection to the agent closed."));
}

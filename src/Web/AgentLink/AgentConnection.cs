using Gateway.Shared.Protocol;

namespace Gateway.Web.State;

/// <summary>One socket connection to the agent: serialised writes, the apply in flight, reply waiters.</summary>
internal sealed class AgentConnection(Stream stream)
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _lock = new();
    private long? _inFlightRevision;
    private DateTimeOffset _inFlightSince;

    public Stream Stream { get; } = stream;

    /// <summary>True once the agent sent its first frame (the peer check passed).</summary>
    public volatile bool Ready;

    public Queue<TaskCompletionSource<InterfacesReply>> InterfaceWaiters { get; } = new();

    public Queue<TaskCompletionSource<RulesetReply>> RulesetWaiters { get; } = new();

    public Queue<TaskCompletionSource<NeighboursReply>> NeighbourWaiters { get; } = new();

    public Queue<TaskCompletionSource<ConfirmStateEvent>> ConfirmWaiters { get; } = new();

    public long LastSentRevision { get; private set; } = -1;

    public async Task SendAsync(AgentRequest request, CancellationToken ct, Action? beforeWrite = null)
    {
        var body = AgentProtocol.Serialize(request);
        await _writeLock.WaitAsync(ct);
        try
        {
            beforeWrite?.Invoke();
            await Framing.WriteAsync(Stream, body, ct);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public bool ApplyPending(DateTimeOffset now, TimeSpan timeout)
    {
        lock (_lock)
        {
            return _inFlightRevision is not null && now - _inFlightSince < timeout;
        }
    }

    public void ApplySent(long revision, DateTimeOffset now)
    {
        lock (_lock)
        {
            _inFlightRevision = revision;
            _inFlightSince = now;
            LastSentRevision = revision;
        }
    }

    public void ApplyAnswered(long revision)
    {
        lock (_lock)
        {
            if (_inFlightRevision is { } inFlight && revision >= inFlight)
            {
                _inFlightRevision = null;
            }
        }
    }

    public void Enqueue<T>(Queue<TaskCompletionSource<T>> waiters, TaskCompletionSource<T> waiter)
    {
        lock (_lock)
        {
            waiters.Enqueue(waiter);
        }
    }

    public void Complete<T>(Queue<TaskCompletionSource<T>> waiters, T reply)
    {
        TaskCompletionSource<T>? waiter;
        lock (_lock)
        {
            waiters.TryDequeue(out waiter);
        }

        waiter?.TrySetResult(reply);
    }

    public void FailAll(Exception reason)
    {
        lock (_lock)
        {
            Fail(InterfaceWaiters, reason);
            Fail(RulesetWaiters, reason);
            Fail(NeighbourWaiters, reason);
            Fail(ConfirmWaiters, reason);
        }
    }

    private static void Fail<T>(Queue<TaskCompletionSource<T>> waiters, Exception reason)
    {
        while (waiters.TryDequeue(out var waiter))
        {
            waiter.TrySetException(reason);
        }
    }
}

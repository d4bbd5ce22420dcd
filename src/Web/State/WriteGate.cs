namespace Gateway.Web.State;

/// <summary>
/// One writer at a time, served strictly in arrival order. SQLite allows one writer anyway; queueing them here
/// means a write waits for the one before it instead of for Microsoft.Data.Sqlite's fixed 150 ms busy retry, and
/// nobody can be overtaken again and again. <see cref="SemaphoreSlim"/> does not promise FIFO order, so this keeps
/// its own queue.
/// </summary>
public sealed class WriteGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource<Releaser>> _waiting = new();
    private bool _held;

    /// <summary>Waits for the gate; dispose the answer to pass it to the next writer in line.</summary>
    /// <exception cref="OperationCanceledException">Cancelled while still waiting (the queue forgets the waiter).</exception>
    public ValueTask<Releaser> EnterAsync(CancellationToken ct = default)
    {
        TaskCompletionSource<Releaser> waiter;
        LinkedListNode<TaskCompletionSource<Releaser>> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return ValueTask.FromResult(new Releaser(this));
            }

            ct.ThrowIfCancellationRequested();
            waiter = new TaskCompletionSource<Releaser>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _waiting.AddLast(waiter);
        }

        return new ValueTask<Releaser>(WaitAsync(waiter, node, ct));
    }

    private async Task<Releaser> WaitAsync(TaskCompletionSource<Releaser> waiter, LinkedListNode<TaskCompletionSource<Releaser>> node, CancellationToken ct)
    {
        await using (ct.Register(() => Abandon(waiter, node, ct)))
        {
            return await waiter.Task;
        }
    }

    /// <summary>A waiter still in the queue leaves it; one already handed the gate keeps it (and its caller releases).</summary>
    private void Abandon(TaskCompletionSource<Releaser> waiter, LinkedListNode<TaskCompletionSource<Releaser>> node, CancellationToken ct)
    {
        lock (_lock)
        {
            if (node.List is null)
            {
                return;
            }

            _waiting.Remove(node);
        }

        waiter.TrySetCanceled(ct);
    }

    private void Release()
    {
        TaskCompletionSource<Releaser> next;
        lock (_lock)
        {
            if (_waiting.First is not { } first)
            {
                _held = false;
                return;
            }

            _waiting.RemoveFirst();
            next = first.Value;
        }

        // Still held: ownership passes straight to the first waiter, so a newcomer can't slip in between.
        next.SetResult(new Releaser(this));
    }

    /// <summary>Holds the gate until disposed (once).</summary>
    public sealed class Releaser : IDisposable
    {
        private WriteGate? _gate;

        internal Releaser(WriteGate gate) => _gate = gate;

        public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Release();
    }
}

using Gateway.Web.State;

namespace Gateway.Tests.Unit.Web;

public sealed class WriteGateTests
{
    [Fact]
    public async Task Waiting_writers_get_the_gate_in_the_order_they_asked_for_it()
    {
        var gate = new WriteGate();
        var first = await gate.EnterAsync();
        var order = new List<int>();
        var waiters = new List<Task>();
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            var entered = gate.EnterAsync();
            Assert.False(entered.IsCompleted); // queued behind the holder
            waiters.Add(Task.Run(async () =>
            {
                using (await entered)
                {
                    lock (order)
                    {
                        order.Add(n);
                    }

                    await Task.Yield();
                }
            }));
        }

        first.Dispose();
        await Task.WhenAll(waiters);

        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public async Task A_newcomer_cannot_overtake_a_waiter_when_the_gate_is_released()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync();
        var waiter = gate.EnterAsync().AsTask();

        holder.Dispose();
        var newcomer = gate.EnterAsync().AsTask();

        (await waiter).Dispose();
        using var last = await newcomer;
        Assert.True(waiter.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_next_one_gets_the_gate()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync();
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(cancel.Token).AsTask();
        var next = gate.EnterAsync().AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(next.IsCompleted);

        holder.Dispose();
        using var entered = await next;
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Releasing_twice_passes_the_gate_on_only_once()
    {
        var gate = new WriteGate();
        var holder = await gate.EnterAsync();
        var second = gate.EnterAsync().AsTask();
        var third = gate.EnterAsync().AsTask();

        holder.Dispose();
        holder.Dispose();

        using var entered = await second;
        Assert.False(third.IsCompleted);
    }
}

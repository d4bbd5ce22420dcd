using System.Diagnostics;

namespace Gateway.Tests.E2e.Lab;

/// <summary>Polling for states the agent reaches on its own clock (reconcile passes, restarts).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns the last answer.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (clock.Elapsed >= timeout)
            {
                return false;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns <paramref name="expected"/>; returns the last value seen.</summary>
    public static async Task<T?> EqualAsync<T>(Func<Task<T?>> probe, T expected, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        T? last;
        while (!EqualityComparer<T?>.Default.Equals(last = await probe(), expected) && clock.Elapsed < timeout)
        {
            await Task.Delay(200);
        }

        return last;
    }
}

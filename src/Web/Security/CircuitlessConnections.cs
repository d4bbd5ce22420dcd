using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.SignalR;

namespace Gateway.Web.Security;

/// <summary>
/// A hub filter that closes a panel connection which has not started or resumed a circuit within
/// <see cref="Grace"/> of its handshake: a bare WebSocket that only answers pings would otherwise hold a
/// connection slot (and its buffers) for as long as the client likes. The browser starts its circuit at once.
/// </summary>
internal sealed class CircuitlessConnections : IHubFilter
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    private const string StartedKey = "gateway:circuit-started";

    // The ComponentHub methods that attach a circuit to the connection.
    private static readonly HashSet<string> CircuitMethods = new(StringComparer.Ordinal) { "StartCircuit", "ConnectCircuit", "ResumeCircuit" };

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        // One box per connection, stored before anything can invoke a method, read by the timer without racing the dictionary.
        var started = new StrongBox<bool>();
        context.Context.Items[StartedKey] = started;
        await next(context);
        _ = CloseUnlessStartedAsync(context.Context, started);
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (CircuitMethods.Contains(invocationContext.HubMethodName)
            && invocationContext.Context.Items.TryGetValue(StartedKey, out var box) && box is StrongBox<bool> started)
        {
            Volatile.Write(ref started.Value, true);
        }

        return next(invocationContext);
    }

    private static async Task CloseUnlessStartedAsync(HubCallerContext connection, StrongBox<bool> started)
    {
        try
        {
            await Task.Delay(Grace, connection.ConnectionAborted);
        }
        catch (OperationCanceledException)
        {
            return; // already gone
        }

        if (!Volatile.Read(ref started.Value))
        {
            connection.Abort();
        }
    }
}

using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>
/// The agent's commit-confirmed window as the web knows it (a singleton fed by <c>hello</c>, <c>confirm-state</c> and
/// <c>reverted</c>): what the banner, <c>GET /status</c> and <c>POST /apply/confirm</c> read.
/// </summary>
public sealed partial class ConfirmState
{
    private readonly AgentChannel _channel;
    private readonly ILogger<ConfirmState> _logger;
    private PendingConfirmation? _pending;

    public ConfirmState(AgentChannel channel, ILogger<ConfirmState> logger)
    {
        _channel = channel;
        _logger = logger;
        channel.EventReceived += Observe;
        channel.SessionEnded += () => Set(null);
    }

    /// <summary>The revision the agent waits to have confirmed (null: none, or not connected).</summary>
    public PendingConfirmation? Pending => Volatile.Read(ref _pending);

    /// <summary>The agent put back the previous ruleset because a revision was not confirmed in time.</summary>
    public event Action<RevertedEvent>? Reverted;

    /// <summary>The pending window opened, moved or closed.</summary>
    public event Action? Changed;

    /// <summary>Keeps the pending <paramref name="revision"/>; the reply's error says why not.</summary>
    /// <exception cref="AgentUnavailableException">Not connected, or no answer in time.</exception>
    public Task<ConfirmStateEvent> ConfirmAsync(long revision, CancellationToken ct = default) =>
        _channel.RequestAsync<ConfirmStateEvent>(new ConfirmRequest(revision), ct);

    private void Observe(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case HelloReply hello:
                Set(hello.Pending);
                break;
            case ConfirmStateEvent { Error: null } state:
                // Pushed when a window opens or moves, and the answer to a confirm that kept it (Pending null); a
                // refused confirm (Error set) changes nothing.
                Set(state.Pending);
                break;
            case RevertedEvent reverted:
                LogReverted(reverted.Reason);
                Set(null);
                Reverted?.Invoke(reverted);
                break;
        }
    }

    private void Set(PendingConfirmation? pending)
    {
        Volatile.Write(ref _pending, pending);
        Changed?.Invoke();
    }

    [LoggerMessage(LogLevel.Warning, "The agent reverted an unconfirmed apply: {Reason}.")]
    private partial void LogReverted(string reason);
}

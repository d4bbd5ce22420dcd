using Gateway.Shared.Protocol;

namespace Gateway.Web.AgentLink;

/// <summary>
/// What the agent has in the kernel, as the agent reports it (a singleton fed by every <c>hello</c> and
/// <c>applied</c>). The kernel holds this web's state when its revision and <see cref="ConfigDigest"/> are those of
/// the web's own last successful apply; an <c>applied</c> without <c>replyTo</c> is another client's, and if it put
/// something else there, <see cref="AppliedRevision"/> is 0 until the web's own state is back — so applied ==
/// desired always means the kernel holds what the web sent.
/// </summary>
public sealed partial class AppliedState
{
    private readonly TimeProvider _time;
    private readonly ILogger<AppliedState> _logger;
    private readonly Lock _lock = new();
    private bool _idsEchoed;
    private KernelState? _kernel;
    private KernelState? _own;
    private string? _lastApplyError;
    private DateTimeOffset? _lastAppliedAt;
    private long _foreignApplies;

    private sealed record KernelState(long Revision, string? Digest);

    public AppliedState(AgentChannel channel, TimeProvider time, ILogger<AppliedState> logger)
    {
        ArgumentNullException.ThrowIfNull(channel);
        _time = time;
        _logger = logger;
        channel.EventReceived += Observe;
    }

    /// <summary>
    /// The web's revision in the kernel: the agent's applied revision, or 0 while the kernel holds a state another
    /// client put there. Before this web applied anything, the agent's word (its hello) is taken as it is.
    /// </summary>
    public long AppliedRevision
    {
        get
        {
            lock (_lock)
            {
                return _kernel is null ? 0 : !_idsEchoed || _own is null || _kernel == _own ? _kernel.Revision : 0;
            }
        }
    }

    public string? LastApplyError
    {
        get { lock (_lock) { return _lastApplyError; } }
    }

    public DateTimeOffset? LastAppliedAt
    {
        get { lock (_lock) { return _lastAppliedAt; } }
    }

    /// <summary>How many times another client replaced the web's state in the kernel (the apply pump re-sends on a change).</summary>
    public long ForeignApplies => Interlocked.Read(ref _foreignApplies);

    /// <summary>Every <c>applied</c> the agent reports, the web's own (with <see cref="AgentEvent.ReplyTo"/>) and other clients'.</summary>
    public event Action<AppliedEvent>? Applied;

    /// <summary>Another client's apply replaced the web's state in the kernel.</summary>
    public event Action? ForeignApplied;

    /// <summary>The applied revision, error or time may have changed.</summary>
    public event Action? Changed;

    internal void Observe(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case HelloReply hello:
                lock (_lock)
                {
                    _idsEchoed = hello.ReplyTo is not null;
                    _kernel = new KernelState(hello.AppliedRevision, hello.ConfigDigest);
                }

                Subscribers.Raise(Changed, _logger);
                break;
            case AppliedEvent { Resync: true }:
                // A delta the agent did not try (it holds another base): nothing changed in the kernel, it is no
                // apply error, and the pump sends the whole config at once.
                break;
            case AppliedEvent applied:
                // Against an agent that echoes ids, replyTo names the web's own request (even one that timed out).
                bool own, foreign = false;
                lock (_lock)
                {
                    own = !_idsEchoed || applied.ReplyTo is not null;
                    if (own && applied.Ok)
                    {
                        _kernel = _own = new KernelState(applied.Revision, applied.ConfigDigest);
                        _lastApplyError = null;
                        _lastAppliedAt = _time.GetUtcNow();
                    }
                    else if (own)
                    {
                        _lastApplyError = string.IsNullOrEmpty(applied.Error) ? $"Revision {applied.Revision} was refused." : applied.Error;
                    }
                    else if (applied.Ok)
                    {
                        _kernel = new KernelState(applied.Revision, applied.ConfigDigest);
                        if (_kernel != _own)
                        {
                            foreign = true;
                            _foreignApplies++;
                            _lastApplyError = $"Another client applied a configuration as revision {applied.Revision}; the web applies its own again.";
                        }
                    }
                }

                if (own && applied.Ok)
                {
                    LogApplied(applied.Revision, applied.DurationMs);
                }
                else if (own)
                {
                    LogApplyFailed(applied.Revision, applied.Error);
                }
                else if (foreign)
                {
                    LogForeignApply(applied.Revision);
                }

                Subscribers.Raise(Applied, applied, _logger);
                Subscribers.Raise(Changed, _logger);
                if (foreign)
                {
                    Subscribers.Raise(ForeignApplied, _logger);
                }

                break;
        }
    }

    [LoggerMessage(LogLevel.Information, "Agent applied revision {Revision} in {DurationMs} ms.")]
    private partial void LogApplied(long revision, double durationMs);

    [LoggerMessage(LogLevel.Warning, "Agent refused revision {Revision}: {Error}")]
    private partial void LogApplyFailed(long revision, string? error);

    [LoggerMessage(LogLevel.Warning, "Another client of the agent applied a configuration as revision {Revision}; re-applying the web's own.")]
    private partial void LogForeignApply(long revision);
}

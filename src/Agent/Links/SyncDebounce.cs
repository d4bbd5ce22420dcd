namespace Gateway.Agent.Links;

/// <summary>
/// When a stream of changes is acted on: once it has gone quiet (the caller's receive timed out), or at the
/// latest <see cref="MaxDelay"/> after the first change not acted on yet. A quiet period alone can be held off
/// for ever by anyone who keeps changes coming (a LAN host soliciting from a new address every 50 ms), and what
/// it holds back may be a change that must take effect promptly (an address leaving a MAC pinhole). Pure: the
/// caller passes the time, so the decisions are tested with a fake clock.
/// </summary>
public sealed class SyncDebounce(TimeSpan maxDelay)
{
    private TimeSpan? _pendingSince;

    public TimeSpan MaxDelay { get; } = maxDelay;

    /// <summary>Whether a change is waiting to be acted on.</summary>
    public bool Pending => _pendingSince is not null;

    /// <summary>A change arrived at <paramref name="now"/>; only the first one of a pending stretch starts the clock.</summary>
    public void Changed(TimeSpan now) => _pendingSince ??= now;

    /// <summary>
    /// Whether to act now: a change is pending and either nothing arrived for a while (<paramref name="quiet"/>)
    /// or the oldest pending change has waited <see cref="MaxDelay"/>. True also clears the pending state.
    /// </summary>
    public bool Due(TimeSpan now, bool quiet)
    {
        if (_pendingSince is not { } since || (!quiet && now - since < MaxDelay))
        {
            return false;
        }

        _pendingSince = null;
        return true;
    }

    /// <summary>A full pass ran: whatever was pending is covered by it.</summary>
    public void Clear() => _pendingSince = null;
}

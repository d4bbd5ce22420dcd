namespace Gateway.Agent.Processes;

/// <summary>
/// How long a supervisor waits before starting its child again: half a second after the first failure, doubling up
/// to 30 s while the child keeps failing, so a daemon that can't run does not spin; a child that ran longer than the
/// cap before it died counts as a fresh failure (a crash after a long run, not a crash loop). Pure: it only counts.
/// </summary>
public sealed class RestartBackOff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    private TimeSpan _next = First;

    /// <summary>The wait before the next start after a child that ran for <paramref name="ranFor"/> exited.</summary>
    public TimeSpan AfterExit(TimeSpan ranFor)
    {
        if (ranFor > Max)
        {
            _next = First;
        }

        return Take();
    }

    /// <summary>The wait before trying again after a child could not even be started (no binary, no files).</summary>
    public TimeSpan AfterFailedStart() => Take();

    private TimeSpan Take()
    {
        var wait = _next;
        _next = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, Max.Ticks));
        return wait;
    }
}

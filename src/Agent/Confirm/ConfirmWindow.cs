using Gateway.Agent.Ipc;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Logging;

namespace Gateway.Agent.Confirm;

/// <summary>
/// Commit-confirmed apply. An apply with <c>confirmSeconds</c> opens a window: the last confirmed snapshot is kept,
/// the window is persisted before the kernel is touched, and unless <see cref="ConfirmAsync"/> names the pending
/// revision before the deadline the previous snapshot is applied again (whole replace, through the same
/// <see cref="RulesetManager"/> path, so it is the last-good state again) and every client hears
/// <see cref="RevertedEvent"/> — and every client that says hello until a newer revision is applied.
/// A write with <c>confirmSeconds</c> during a window is folded into it: the new revision becomes the pending one, the
/// deadline restarts, and the restore point stays the last confirmed state. A newer revision without it confirms the
/// window (as a plain commit after JunOS's <c>commit confirmed</c>): a write that was answered as done is never undone
/// behind its writer's back. The pending revision sent again (a reconnecting client) changes nothing.
/// The timer runs on <see cref="TimeProvider"/>; after a restart <see cref="Start"/> runs it on to the same deadline,
/// or reverts at once when the deadline passed while the agent was down.
/// </summary>
public sealed partial class ConfirmWindow(RulesetManager rulesets, ClientHub hub, ConfirmFile file, TimeProvider time, ILogger<ConfirmWindow> logger) : IDisposable
{
    /// <summary>A revert the kernel refused (say, the old LAN link is gone) is tried again this often.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>The longest window an apply may ask for; the web allows 5–3600 s.</summary>
    public const int MaxSeconds = 86400;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConfirmState _state = ConfirmState.Empty;
    private ITimer? _timer;
    private Task _lastTimerRun = Task.CompletedTask;

    /// <summary>The window waiting for a confirmation, or null.</summary>
    public PendingConfirmation? Pending => Volatile.Read(ref _state).Window?.ToPending();

    /// <summary>The last deadline pass the timer started (for tests, and so a stop can wait for it).</summary>
    public Task LastTimerRun => Volatile.Read(ref _lastTimerRun);

    /// <summary>
    /// Loads the persisted window; called at start-up after the last-good restore and before the socket opens. A
    /// deadline that passed while the agent was down reverts now; otherwise the timer runs on to the same deadline.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                _state = file.Load();
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                // Nothing to restore from: the kernel keeps the last-good state, as without a window.
                LogStateUnreadable(file.FilePath, ex.Message);
                _state = ConfirmState.Empty;
            }

            if (_state.Window is { } window)
            {
                LogResumed(window.Revision, window.Deadline, window.PreviousRevision);
                await RevertIfDueAsync(window).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies <paramref name="request"/>, opening, folding into or leaving the window as it asks;
    /// <paramref name="origin"/> (the request came as a delta) only changes how the last-good state is written.
    /// </summary>
    public async Task<AppliedEvent> ApplyAsync(ApplyRequest request, DeltaOrigin? origin = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = _state;
            if (request.Revision <= state.RevertedRevision)
            {
                return new AppliedEvent(request.Revision, false,
                    $"Revision {request.Revision} is not newer than revision {state.RevertedRevision}, which was not confirmed and was reverted: send a newer revision.", 0);
            }

            if (request.ConfirmSeconds is { } asked && asked is < 1 or > MaxSeconds)
            {
                return new AppliedEvent(request.Revision, false, $"confirmSeconds must be 1–{MaxSeconds} (got {asked}).", 0);
            }

            var window = Next(state.Window, request);
            if (window != state.Window && !TrySave(state with { Window = window }, out var error))
            {
                // Without the window on disk a crash inside it would keep the unconfirmed rules for good.
                return new AppliedEvent(request.Revision, false, $"Could not persist the confirmation window: {error}", 0);
            }

            // Not cancellable past this point: the persisted window and the kernel must end up agreeing.
            var result = await rulesets.ApplyAsync(request.Revision, request.Config, origin, CancellationToken.None).ConfigureAwait(false);
            if (!result.Ok)
            {
                if (window != state.Window)
                {
                    TrySave(state, out _);
                }

                return result;
            }

            var next = state with { Window = window, Reverted = null, RevertedRevision = 0 };
            if (next != state)
            {
                TrySave(next, out _);
            }

            Volatile.Write(ref _state, next);
            if (window is not null && window != state.Window)
            {
                Arm(window.Deadline);
                LogOpened(window.Revision, window.Deadline, window.PreviousRevision);
                hub.Broadcast(new ConfirmStateEvent(window.ToPending()));
            }
            else if (window is null && state.Window is { } confirmed)
            {
                _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                LogConfirmedByWrite(confirmed.Revision, request.Revision);
                hub.Broadcast(new ConfirmStateEvent(null));
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Keeps the pending revision: it becomes the confirmed state. Refused when another (or none) is pending.</summary>
    public async Task<ConfirmStateEvent> ConfirmAsync(long revision, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var state = _state;
            if (state.Window is not { } window)
            {
                return new ConfirmStateEvent(null, $"Nothing is waiting for confirmation (revision {revision} was not).");
            }

            if (window.Revision != revision)
            {
                return new ConfirmStateEvent(window.ToPending(), $"Revision {window.Revision} is waiting for confirmation, not revision {revision}.");
            }

            var next = state with { Window = null };
            if (!TrySave(next, out var error))
            {
                return new ConfirmStateEvent(window.ToPending(), $"Could not persist the confirmation: {error}");
            }

            Volatile.Write(ref _state, next);
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            LogConfirmed(revision);
            return new ConfirmStateEvent(null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The last revert, told to every client that says hello until a newer revision is applied: only that proves the
    /// web stored the restored state (a health check or a second client saying hello must not swallow it).
    /// </summary>
    public RevertedEvent? UnsettledRevert => Volatile.Read(ref _state).Reverted;

    public void Dispose()
    {
        _timer?.Dispose();
        _gate.Dispose();
    }

    /// <summary>The window after <paramref name="request"/> is applied (see the class remarks for the folding).</summary>
    private OpenWindow? Next(OpenWindow? open, ApplyRequest request)
    {
        var now = time.GetUtcNow();
        if (open is not null)
        {
            if (request.ConfirmSeconds is { } seconds)
            {
                return open with { Revision = request.Revision, Deadline = now.AddSeconds(seconds), Seconds = seconds };
            }

            return request.Revision == open.Revision ? open : null;
        }

        // Without an applied snapshot (first apply, lockdown) there is nothing to go back to but the lockdown itself,
        // which would cut the owner off for sure: no window.
        if (request.ConfirmSeconds is { } asked && rulesets.AppliedConfig is { } previous)
        {
            return new OpenWindow(request.Revision, now.AddSeconds(asked), asked, rulesets.AppliedRevision, previous);
        }

        return null;
    }

    private void Arm(DateTimeOffset deadline)
    {
        var due = deadline - time.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (_timer is null)
        {
            _timer = time.CreateTimer(_ => OnTimer(), null, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        var run = Task.Run(async () =>
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (_state.Window is { } window)
                {
                    await RevertIfDueAsync(window).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                // A timer callback must never take the agent down; the next start (or retry) tries again.
                LogRevertCrashed(ex.ToString());
            }
            finally
            {
                _gate.Release();
            }
        });
        Volatile.Write(ref _lastTimerRun, run);
    }

    /// <summary>Under the gate: reverts when the deadline has passed, else (re-)arms the timer for it.</summary>
    private async Task RevertIfDueAsync(OpenWindow window)
    {
        var now = time.GetUtcNow();
        if (now < window.Deadline)
        {
            Arm(window.Deadline);
            return;
        }

        var result = await rulesets.ApplyAsync(window.PreviousRevision, window.PreviousConfig, origin: null, CancellationToken.None).ConfigureAwait(false);
        if (!result.Ok)
        {
            LogRevertFailed(window.Revision, window.PreviousRevision, result.Error ?? string.Empty);
            Arm(now + RetryDelay);
            return;
        }

        var reason = $"revision {window.Revision} was not confirmed within {window.Seconds} s: restored revision {window.PreviousRevision}";
        LogReverted(reason);
        var reverted = new RevertedEvent(window.Revision, window.PreviousRevision, window.PreviousConfig, reason, now);
        hub.Broadcast(reverted);
        var next = new ConfirmState(null, reverted, window.Revision);
        TrySave(next, out _);
        Volatile.Write(ref _state, next);
    }

    private bool TrySave(ConfirmState state, out string error)
    {
        try
        {
            file.Save(state);
            error = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogStateWriteFailed(file.FilePath, ex.Message);
            error = ex.Message;
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit-confirmed apply: {Reason}")]
    private partial void LogReverted(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revision {Revision} must be confirmed by {Deadline:O}, or revision {Previous} comes back")]
    private partial void LogOpened(long revision, DateTimeOffset deadline, long previous);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revision {Revision} was confirmed by revision {Later}, applied without a window")]
    private partial void LogConfirmedByWrite(long revision, long later);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revision {Revision} was confirmed")]
    private partial void LogConfirmed(long revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revision {Revision} is still waiting for confirmation until {Deadline:O} (else revision {Previous} comes back)")]
    private partial void LogResumed(long revision, DateTimeOffset deadline, long previous);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not restore revision {Previous} in place of unconfirmed revision {Revision}: {Error}; retrying")]
    private partial void LogRevertFailed(long revision, long previous, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The confirmation deadline pass failed: {Error}")]
    private partial void LogRevertCrashed(string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Confirmation state {Path} is unreadable: {Error}")]
    private partial void LogStateUnreadable(string path, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write confirmation state {Path}: {Error}")]
    private partial void LogStateWriteFailed(string path, string error);
}

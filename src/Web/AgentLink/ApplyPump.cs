using System.Threading.Channels;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Options;

namespace Gateway.Web.AgentLink;

/// <summary>
/// Sends the desired state to the agent (a singleton): the newest snapshot on every connect, after every
/// <see cref="NotifyChanged"/>, and again when another client replaced it in the kernel. One apply is in flight at a
/// time and the next always reads the newest revision, so a burst of writes coalesces into one apply.
/// </summary>
/// <remarks>
/// When the newest snapshot differs from the one the agent last applied for this web on this connection by one list
/// item only (<see cref="ConfigDelta.OneChange"/>: a one-item write, the usual case), and the agent knows the frame
/// (protocol 2), the pump sends that item as an <c>apply-delta</c> instead of the whole config (≈2 MB at 10k items).
/// Everything else — the first apply on a connection, a restore or settings change, writes that changed more than one
/// item, after a foreign apply, a timeout or any refusal — sends the whole config; a refused delta is followed at once
/// by the whole frame of the same revision.
/// </remarks>
public sealed partial class ApplyPump
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly AgentChannel _channel;
    private readonly AppliedState _applied;
    private readonly IDesiredStateSource _desired;
    private readonly AgentLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ApplyPump> _logger;

    // The connection whose agent knows apply-delta (its hello said protocol 2 or more), or -1.
    private long _deltaSession = -1;

    // What the agent holds from this web, as its last successful answer said; null when unknown.
    private Held? _held;

    public ApplyPump(AgentChannel channel, AppliedState applied, IDesiredStateSource desired, IOptions<AgentLinkOptions> options, TimeProvider time, ILogger<ApplyPump> logger)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(applied);
        _channel = channel;
        _applied = applied;
        _desired = desired;
        _options = options.Value;
        _time = time;
        _logger = logger;
        channel.SessionStarted += hello =>
        {
            Volatile.Write(ref _deltaSession, hello.Protocol >= AgentProtocol.DeltaVersion && channel.Session is { } session ? session : -1);
            NotifyChanged(); // the full snapshot on every connect
        };
        applied.ForeignApplied += NotifyChanged;
    }

    /// <summary>Called after each committed desired-state write; cheap and never blocks.</summary>
    public void NotifyChanged() => _changed.Writer.TryWrite(true);

    /// <summary>The pump; returns when <paramref name="stoppingToken"/> fires.</summary>
    internal async Task RunAsync(CancellationToken stoppingToken)
    {
        // What went out last: on which connection, which revision, and how many foreign applies had been seen then.
        (long Session, long Revision, long Foreign) sent = (-1, -1, -1);
        while (true)
        {
            try
            {
                await _changed.Reader.ReadAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (_channel.Session is not { } session)
            {
                continue; // the next connect signals again
            }

            DesiredSnapshot? snapshot;
            try
            {
                snapshot = await _desired.ReadAsync(_applied.AppliedRevision, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // E.g. the database was briefly unreadable: never let the pump die; try again shortly.
                LogSnapshotFailed(ex);
                _ = RetryLaterAsync(stoppingToken);
                continue;
            }

            var foreign = _applied.ForeignApplies;
            if (snapshot is null || sent == (session, snapshot.Revision, foreign))
            {
                continue; // nothing to apply before setup; or this revision is already out on this connection
            }

            sent = (session, snapshot.Revision, foreign);
            var request = Request(session, foreign, snapshot);
            LogApplySent(snapshot.Revision, request is ApplyDeltaRequest ? "one change" : "whole config");
            _held = null;
            try
            {
                var reply = await _channel.RequestAsync<AppliedEvent>(request, _options.ApplyTimeout, stoppingToken);
                if (reply.Ok)
                {
                    _held = new Held(session, foreign, snapshot.Revision, snapshot.Config, reply.ConfigDigest);
                }
                else if (request is ApplyDeltaRequest)
                {
                    // Not applied as a delta (another base, or refused): the same revision again, whole.
                    LogDeltaRefused(snapshot.Revision, reply.Error);
                    sent = (-1, -1, -1);
                    NotifyChanged();
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (AgentUnavailableException ex)
            {
                // Unanswered in time: treated as lost, so a newer revision may go out (this one is not re-sent on
                // this connection). A broken connection signals again when the next one is up.
                LogApplyUnanswered(snapshot.Revision, ex.Message);
                NotifyChanged();
            }
        }
    }

    /// <summary>The delta of <paramref name="snapshot"/> over what the agent holds, when that is one item; else the whole apply.</summary>
    private AgentRequest Request(long session, long foreign, DesiredSnapshot snapshot)
    {
        if (_held is { } held && held.Session == session && held.Foreign == foreign && Volatile.Read(ref _deltaSession) == session
            && snapshot.Revision > held.Revision && ConfigDelta.OneChange(held.Config, snapshot.Config) is { } change)
        {
            return new ApplyDeltaRequest(snapshot.Revision, held.Revision, held.Digest, [change], snapshot.ConfirmSeconds);
        }

        return new ApplyRequest(snapshot.Revision, snapshot.Config, snapshot.ConfirmSeconds);
    }

    private async Task RetryLaterAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(_options.MinReconnectDelay, _time, ct);
            NotifyChanged();
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Debug, "Sending revision {Revision} to the agent ({How}).")]
    private partial void LogApplySent(long revision, string how);

    [LoggerMessage(LogLevel.Information, "The agent did not apply revision {Revision} as a delta ({Reason}); sending the whole config.")]
    private partial void LogDeltaRefused(long revision, string? reason);

    /// <summary>The config the agent applied for this web: on which connection, after how many foreign applies.</summary>
    private sealed record Held(long Session, long Foreign, long Revision, Gateway.Shared.Config.GatewayConfig Config, string? Digest);

    [LoggerMessage(LogLevel.Warning, "Revision {Revision} got no answer: {Reason}")]
    private partial void LogApplyUnanswered(long revision, string reason);

    [LoggerMessage(LogLevel.Error, "Could not read the desired state for the agent; retrying.")]
    private partial void LogSnapshotFailed(Exception ex);
}

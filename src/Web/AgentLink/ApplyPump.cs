using System.Threading.Channels;
using Gateway.Shared.Protocol;
using Microsoft.Extensions.Options;

namespace Gateway.Web.AgentLink;

/// <summary>
/// Sends the desired state to the agent (a singleton): the newest snapshot on every connect, after every
/// <see cref="NotifyChanged"/>, and again when another client replaced it in the kernel. One apply is in flight at a
/// time and the next always reads the newest revision, so a burst of writes coalesces into one apply.
/// </summary>
public sealed partial class ApplyPump
{
    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly AgentChannel _channel;
    private readonly AppliedState _applied;
    private readonly IDesiredStateSource _desired;
    private readonly AgentLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ApplyPump> _logger;

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
        channel.SessionStarted += _ => NotifyChanged(); // the full snapshot on every connect
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
            LogApplySent(snapshot.Revision);
            try
            {
                await _channel.RequestAsync<AppliedEvent>(new ApplyRequest(snapshot.Revision, snapshot.Config, snapshot.ConfirmSeconds), _options.ApplyTimeout, stoppingToken);
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

    [LoggerMessage(LogLevel.Debug, "Sending revision {Revision} to the agent.")]
    private partial void LogApplySent(long revision);

    [LoggerMessage(LogLevel.Warning, "Revision {Revision} got no answer: {Reason}")]
    private partial void LogApplyUnanswered(long revision, string reason);

    [LoggerMessage(LogLevel.Error, "Could not read the desired state for the agent; retrying.")]
    private partial void LogSnapshotFailed(Exception ex);
}

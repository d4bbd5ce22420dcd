using Gateway.Shared.Protocol;
using Gateway.Web.State;
using Gateway.Web.AgentLink;

namespace Gateway.Web.Confirm;

/// <summary>
/// When the agent reverts an unconfirmed revision, the database follows the kernel: the restored config is stored as
/// a new desired revision (so <c>GET /api/v1/config</c> shows the old state again and the agent, applying it, keeps
/// what it already runs), unless a write stored after the trial supersedes it. One at a time, in the order the agent sent them, each once per web process (after a restart
/// a repeat stores the same state again as one more revision, which changes nothing).
/// </summary>
public sealed partial class RevertRecorder(ConfirmState confirm, IServiceScopeFactory scopes, ILogger<RevertRecorder> logger) : IHostedService
{
    private readonly SemaphoreSlim _one = new(1, 1);

    // The agent repeats its last revert on every hello until a newer revision is applied: store each one once.
    private (long Revision, DateTimeOffset At)? _recorded;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        confirm.Reverted += OnReverted;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        confirm.Reverted -= OnReverted;
        return Task.CompletedTask;
    }

    private void OnReverted(RevertedEvent reverted) => _ = RecordAsync(reverted);

    /// <summary>Stores <paramref name="reverted"/>'s config; false (logged) when the database refused it.</summary>
    public async Task<bool> RecordAsync(RevertedEvent reverted)
    {
        ArgumentNullException.ThrowIfNull(reverted);
        await _one.WaitAsync();
        try
        {
            if (_recorded == (reverted.Revision, reverted.RevertedAt))
            {
                return true;
            }

            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ApplyConfirmation>().ForRevert();
            var outcome = await scope.ServiceProvider.GetRequiredService<ConfigService>().ImportRevertAsync(reverted.Config, reverted.Revision, CancellationToken.None);
            if (outcome is null)
            {
                // A write after the trial confirmed or extended it; the agent applies that write over the revert.
                _recorded = (reverted.Revision, reverted.RevertedAt);
                LogSuperseded(reverted.Revision);
                return true;
            }

            if (!outcome.Succeeded)
            {
                LogNotStored(reverted.Revision, outcome.Message ?? string.Join("; ", outcome.Errors?.SelectMany(e => e.Value) ?? []));
                return false;
            }

            _recorded = (reverted.Revision, reverted.RevertedAt);
            LogStored(reverted.Reason);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(reverted.Revision, ex);
            return false;
        }
        finally
        {
            _one.Release();
        }
    }

    [LoggerMessage(LogLevel.Warning, "The agent reverted: {Reason}. Stored the restored settings as a new revision.")]
    private partial void LogStored(string reason);

    [LoggerMessage(LogLevel.Information, "The agent reverted revision {Revision}, but a later write has been stored since: that write stands, and the agent applies it.")]
    private partial void LogSuperseded(long revision);

    [LoggerMessage(LogLevel.Error, "The agent reverted revision {Revision}, but its restored settings could not be stored: {Error}")]
    private partial void LogNotStored(long revision, string error);

    [LoggerMessage(LogLevel.Error, "Storing the agent's revert of revision {Revision} failed.")]
    private partial void LogFailed(long revision, Exception ex);
}

using Gateway.Agent.Confirm;
using Gateway.Agent.Nft;
using Gateway.Agent.State;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>
/// <c>hello</c>, <c>apply</c> and <c>apply-delta</c>: queued in the order the kernel changed, so each client's latest one is the truth
/// about the kernel. Every <c>applied</c> also goes to the other clients.
/// </summary>
public sealed class KernelOrderedFrames(RulesetManager rulesets, ClientHub hub, ConfirmWindow? confirm)
{
    // Held from an apply's start until its outcome is queued to every client, and while a hello reads the state.
    private readonly SemaphoreSlim _kernelOrder = new(1, 1);
    private readonly AppliedDigest _digest = new();

    public async Task HelloAsync(Frame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        await _kernelOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var config = rulesets.AppliedConfig;
            var hello = new HelloReply(AgentProtocol.Version, AgentServer.AgentVersion, rulesets.AppliedRevision, confirm?.Pending, ConfigDigest: config is null ? null : _digest.Of(config))
            {
                ReplyTo = frame.ReplyTo,
            };
            Reply(frame.Client, hello);
        }
        finally
        {
            _kernelOrder.Release();
        }

        if (confirm?.UnsettledRevert is { } reverted)
        {
            // A revert the web may have missed (it was away, or restarted before storing it): told again.
            Reply(frame.Client, reverted);
        }
    }

    public async Task ApplyAsync(Frame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var apply = (ApplyRequest)frame.Request;
        await _kernelOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Compile and the libnftables call are CPU/kernel work; keep them off the socket's I/O thread.
            var applied = await Task.Run(
                () => confirm is null ? rulesets.ApplyAsync(apply.Revision, apply.Config, origin: null, cancellationToken) : confirm.ApplyAsync(apply, origin: null, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (applied.Ok && ConfigDigest.OfApplyFrame(frame.Body) is { } digest)
            {
                _digest.Applied(apply.Config, digest);
                applied = applied with { ConfigDigest = digest };
            }

            Reply(frame.Client, applied with { ReplyTo = frame.ReplyTo });
            hub.Broadcast(applied, except: frame.Client);
        }
        finally
        {
            _kernelOrder.Release();
        }
    }

    /// <summary>
    /// An <c>apply-delta</c>: over the config in the kernel when it is the frame's base (revision and digest), the
    /// resulting config goes through the very path of a whole <c>apply</c> (confirm window, validation of the whole
    /// config, compile, element update or replace, last-good). Otherwise nothing is tried and the answer asks for the
    /// whole config (<see cref="AppliedEvent.Resync"/>); that answer goes to the sender only, as the kernel did not change.
    /// </summary>
    public async Task ApplyDeltaAsync(Frame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var delta = (ApplyDeltaRequest)frame.Request;
        await _kernelOrder.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var held = rulesets.AppliedConfig;
            var heldDigest = held is null ? null : _digest.Of(held);
            var apply = DeltaFrames.Resolve(delta, rulesets.AppliedRevision, held, heldDigest, out var refusal);
            if (apply is null)
            {
                Reply(frame.Client, new AppliedEvent(delta.Revision, false, refusal, 0, Resync: true) { ReplyTo = frame.ReplyTo });
                return;
            }

            // The frame is what the last-good journal records: the agent validated and resolved it over `held`.
            var origin = new DeltaOrigin(delta.Base, held!, frame.Body);
            var applied = await Task.Run(
                () => confirm is null ? rulesets.ApplyAsync(apply.Revision, apply.Config, origin, cancellationToken) : confirm.ApplyAsync(apply, origin, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            if (applied.Ok && ConfigDigest.OfDeltaFrame(heldDigest!, frame.Body) is { } digest)
            {
                _digest.Applied(apply.Config, digest);
                applied = applied with { ConfigDigest = digest };
            }

            Reply(frame.Client, applied with { ReplyTo = frame.ReplyTo });
            hub.Broadcast(applied, except: frame.Client);
        }
        finally
        {
            _kernelOrder.Release();
        }
    }

    /// <summary>
    /// Queues a reply without waiting (it is queued under the kernel-order gate); a client whose queue is full has
    /// not read for minutes, so it is closed rather than allowed to hold up every other client's apply.
    /// </summary>
    private static void Reply(ClientConnection client, AgentEvent reply)
    {
        if (!client.TryPush(AgentProtocol.Serialize(reply)))
        {
            throw new IOException("The client does not read its replies.");
        }
    }
}

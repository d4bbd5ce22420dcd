using Gateway.Agent.Confirm;
using Gateway.Agent.Lan;
using Gateway.Agent.Links;
using Gateway.Agent.Nft;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>A request frame as a handler gets it: its client, the request, the id its reply carries, and the frame's bytes.</summary>
public sealed record Frame(ClientConnection Client, AgentRequest Request, long? ReplyTo, byte[] Body);

/// <summary>
/// Request type → handler. A new request frame is one line in the map and its handler: most answer with one reply
/// (<see cref="Answer(Func{AgentRequest, CancellationToken, Task{AgentEvent}})"/>), which carries the request's id.
/// </summary>
public sealed class FrameDispatcher
{
    private readonly Dictionary<Type, Func<Frame, CancellationToken, Task>> _handlers;

    public FrameDispatcher(RulesetManager rulesets, NftApplier applier, ClientHub hub, ConfirmWindow? confirm, DnsmasqSupervisor? dnsmasq, Upnp.MiniupnpdSupervisor? upnp = null, Wan.WanSupervisor? wan = null, Devices.DeviceAccountant? devices = null)
    {
        var ordered = new KernelOrderedFrames(rulesets, hub, confirm);
        _handlers = new()
        {
            [typeof(HelloRequest)] = ordered.HelloAsync,
            [typeof(ApplyRequest)] = ordered.ApplyAsync,
            [typeof(ApplyDeltaRequest)] = ordered.ApplyDeltaAsync,
            [typeof(ConfirmRequest)] = Answer(async (request, ct) => confirm is null
                ? new ConfirmStateEvent(null, "This agent holds no confirmation windows.")
                : await confirm.ConfirmAsync(((ConfirmRequest)request).Revision, ct).ConfigureAwait(false)),
            [typeof(GetInterfacesRequest)] = Answer(_ => new InterfacesReply(LinkLister.List(), rulesets.AgentAddresses, rulesets.FirstBootLan)),
            [typeof(GetNeighboursRequest)] = Answer(_ => new NeighboursReply(NeighbourTable.Read())),
            // From dnsmasq's lease file; none while it does not run.
            [typeof(GetLeasesRequest)] = Answer(_ => new LeasesReply(dnsmasq?.Leases() ?? [])),
            [typeof(ListConnectionsRequest)] = Answer(async (request, ct) => await Task.Run(() => Connections.ConnectionFrames.List((ListConnectionsRequest)request, dnsmasq?.Leases() ?? [], rulesets.AppliedConfig?.Network.LanInterface), ct).ConfigureAwait(false)),
            [typeof(KillConnectionRequest)] = Answer(async (request, ct) => await Task.Run(() => rulesets.KillConnectionAsync((KillConnectionRequest)request, ct), ct).ConfigureAwait(false)),
            [typeof(GetUpnpMappingsRequest)] = Answer(async (_, ct) => new UpnpMappingsReply(upnp is null ? [] : await Task.Run(upnp.Mappings, ct).ConfigureAwait(false))),
            [typeof(DeleteUpnpMappingRequest)] = Answer(async (request, ct) =>
            {
                var deleted = upnp is not null && await Task.Run(() => upnp.Delete(((DeleteUpnpMappingRequest)request).MappingId, Upnp.UpnpConnections.Cut), ct).ConfigureAwait(false);
                return new UpnpMappingsReply(upnp is null ? [] : upnp.Mappings(), deleted);
            }),
            [typeof(GetWanStatusRequest)] = Answer(_ => wan?.Status() ?? new WanStatusReply(new WanStatus(Gateway.Shared.Config.WanMode.Unmanaged, false, [], null, [], null, null, null), [])),
            [typeof(GetDevicesRequest)] = Answer(async (_, ct) => await Task.Run(() => Devices.DeviceFrames.Reply(devices, dnsmasq, rulesets.AppliedConfig?.Network.LanInterface), ct).ConfigureAwait(false)),
            [typeof(ResetQuotaRequest)] = Answer(async (request, ct) => await QuotaFrames.ResetAsync(rulesets, (ResetQuotaRequest)request, ct).ConfigureAwait(false)),
            [typeof(GetBlockedSourcesRequest)] = Answer(async (_, ct) => await rulesets.BlockedSourcesAsync(ct).ConfigureAwait(false)),
            [typeof(FreeBlockedSourceRequest)] = Answer(async (request, ct) => await rulesets.FreeBlockedSourceAsync(((FreeBlockedSourceRequest)request).Address, ct).ConfigureAwait(false)),
            [typeof(GetRulesetRequest)] = Answer(async (_, ct) => new RulesetReply(await RulesetText.ReadAsync(applier, rulesets, ct).ConfigureAwait(false))),
        };
    }

    /// <exception cref="InvalidDataException">No handler for the request's type (the connection is closed as for a bad frame).</exception>
    public Task DispatchAsync(Frame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return _handlers.TryGetValue(frame.Request.GetType(), out var handler)
            ? handler(frame, cancellationToken)
            : throw new InvalidDataException($"Unhandled request {frame.Request.GetType().Name}.");
    }

    /// <summary>A request answered with one reply to its sender, carrying the request's id.</summary>
    private static Func<Frame, CancellationToken, Task> Answer(Func<AgentRequest, CancellationToken, Task<AgentEvent>> handle) =>
        async (frame, cancellationToken) =>
        {
            var reply = await handle(frame.Request, cancellationToken).ConfigureAwait(false);
            await frame.Client.SendAsync(reply with { ReplyTo = frame.ReplyTo }, cancellationToken).ConfigureAwait(false);
        };

    private static Func<Frame, CancellationToken, Task> Answer(Func<AgentRequest, AgentEvent> handle) =>
        Answer((request, _) => Task.FromResult(handle(request)));
}

using Gateway.Shared.Protocol;

namespace Gateway.Agent.Nft;

/// <summary>The port-scan block list, read and freed under the apply gate so it never meets a table being replaced.</summary>
public sealed partial class RulesetManager
{
    /// <summary>The sources blocked now (<see cref="PortScanBlocks"/>).</summary>
    public Task<BlockedSourcesReply> BlockedSourcesAsync(CancellationToken cancellationToken = default) =>
        GatedAsync(() => new BlockedSourcesReply(PortScanBlocks.Sources(PortScanBlocks.List(), DateTimeOffset.UtcNow)), cancellationToken);

    /// <summary>Frees one blocked source; the delete is the agent's own commit, so the drift watch is told.</summary>
    public Task<BlockedSourcesReply> FreeBlockedSourceAsync(string address, CancellationToken cancellationToken = default) =>
        GatedAsync(
            () =>
            {
                var freed = false;
                _watch.CommitOwn(() => freed = PortScanBlocks.Free(address));
                return new BlockedSourcesReply(PortScanBlocks.Sources(PortScanBlocks.List(), DateTimeOffset.UtcNow), freed);
            },
            cancellationToken);
}

using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>
/// The digest of the config last applied through the socket, by reference, so a hello need not re-serialise it.
/// Used under the server's kernel-order gate.
/// </summary>
public sealed class AppliedDigest
{
    private (GatewayConfig Config, string Digest)? _known;

    /// <summary>Remembers the digest of the apply frame that carried <paramref name="config"/>.</summary>
    public void Applied(GatewayConfig config, string digest) => _known = (config, digest);

    public string Of(GatewayConfig config)
    {
        if (_known is { } known && ReferenceEquals(known.Config, config))
        {
            return known.Digest;
        }

        // Restored at start, not applied through the socket: the JSON the web writes for the same config.
        var digest = ConfigDigest.Of(config);
        _known = (config, digest);
        return digest;
    }
}

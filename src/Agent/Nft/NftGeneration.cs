using Gateway.Agent.Netlink;

namespace Gateway.Agent.Nft;

/// <summary>
/// The nftables ruleset generation of the calling thread's network namespace (NFT_MSG_GETGEN over
/// NETLINK_NETFILTER): a number the kernel bumps once per committed transaction, for any table, by anyone. While it
/// stays where it was right after the agent's own write, nothing in the namespace's rulesets changed, so the drift
/// check needs no listing; packets (counters, meters) do not bump it.
/// </summary>
public static class NftGeneration
{
    private const int SubsysNftables = 10;
    private const int MsgNewGen = 15;
    private const int MsgGetGen = 16;
    private const ushort AttributeGenId = 1;

    /// <summary>The current generation.</summary>
    /// <exception cref="NetlinkException">The netlink request failed.</exception>
    /// <exception cref="InvalidDataException">The reply was malformed or lacked the generation.</exception>
    public static uint Read()
    {
        using var socket = new NetlinkSocket(Nl.NetlinkNetfilter);
        return Read(socket);
    }

    /// <summary>The current generation, asked on <paramref name="socket"/> (a NETLINK_NETFILTER one).</summary>
    /// <inheritdoc cref="Read()" path="/exception"/>
    public static uint Read(NetlinkSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var payload = new NetlinkAttributeWriter(Nl.NfgenmsgSize).NfgenHeader(0).Written;
        uint? generation = null;
        socket.RequestRaw((ushort)((SubsysNftables << 8) | MsgGetGen), Nl.FlagRequest, payload, (batch, sequence) =>
        {
            generation = Parse(batch, sequence);
            return generation is null ? BatchEnd.More : BatchEnd.Done;
        });
        return generation!.Value;
    }

    /// <summary>The generation in a reply batch to <paramref name="sequence"/>, or null when the batch holds no reply to it.</summary>
    /// <exception cref="NetlinkException">The kernel answered with an error.</exception>
    /// <exception cref="InvalidDataException">The reply was malformed or lacked the generation.</exception>
    internal static uint? Parse(ReadOnlySpan<byte> batch, uint sequence)
    {
        uint? generation = null;
        NetlinkWalk.WalkNfnetlink(batch, sequence, (type, _, attributes) =>
        {
            if (type != ((SubsysNftables << 8) | MsgNewGen))
            {
                return;
            }

            var reader = new NetlinkAttributeReader(attributes);
            while (reader.Next())
            {
                if (reader.Type == AttributeGenId)
                {
                    generation = reader.ReadU32BigEndian();
                    return;
                }
            }

            throw new InvalidDataException("Malformed netlink data: no NFTA_GEN_ID in the generation reply.");
        });
        return generation;
    }
}

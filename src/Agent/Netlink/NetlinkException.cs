namespace Gateway.Agent.Netlink;

/// <summary>
/// A netlink request failed: the socket, or the kernel's NLMSG_ERROR answer. <see cref="Errno"/> is the positive
/// errno (0 when there is none, e.g. an overrun or a closed socket).
/// </summary>
public sealed class NetlinkException(string message, int errno) : Exception(message)
{
    public int Errno { get; } = errno;
}

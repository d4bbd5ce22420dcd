using System.Runtime.InteropServices;
using Gateway.Agent.Interop;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Gateway.Agent.Netlink;

/// <summary>
/// A netlink socket (NETLINK_NETFILTER by default; the routing code opens NETLINK_ROUTE): sends one request, hands
/// each received batch to a callback.
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    private const int ReceiveBufferSize = 256 * 1024;
    private readonly FileDescriptorHandle _fd;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private uint _sequence = (uint)Environment.TickCount;

    public NetlinkSocket()
        : this(Nl.NetlinkNetfilter)
    {
    }

    public NetlinkSocket(int protocol)
    {
        var fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            throw new NetlinkException($"socket(AF_NETLINK, {protocol}) failed: errno {errno}", errno);
        }

        _fd = new FileDescriptorHandle(fd);
        // A big receive buffer lets the kernel queue a whole dump burst; a failure here is harmless.
        var size = 1024 * 1024;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(int));
    }

    public delegate BatchEnd BatchHandler(ReadOnlySpan<byte> batch, uint sequence);

    /// <summary>
    /// Binds the socket to the multicast groups of <paramref name="groupMask"/> (bit <c>n-1</c> for group n), so
    /// the kernel sends this socket its event messages (e.g. rtnetlink neighbour changes).
    /// </summary>
    public void Subscribe(uint groupMask)
    {
        var address = new SockaddrNl { Family = (ushort)AF_NETLINK, Groups = groupMask };
        if (bind((int)_fd.DangerousGetHandle(), (sockaddr*)&address, (uint)sizeof(SockaddrNl)) != 0)
        {
            throw new NetlinkException($"netlink bind to groups 0x{groupMask:x} failed: errno {errno}", errno);
        }
    }

    /// <summary>
    /// A receive buffer of <paramref name="bytes"/> past net.core.rmem_max (SO_RCVBUFFORCE, needs CAP_NET_ADMIN), so a
    /// burst of events waits while the reader is busy; without the capability the buffer stays as it was.
    /// </summary>
    public void ForceReceiveBuffer(int bytes) =>
        setsockopt((int)_fd.DangerousGetHandle(), SOL_SOCKET, SocketOptionReceiveBufferForce, &bytes, sizeof(int));

    private const int SocketOptionReceiveBufferForce = 33;

    /// <summary>Makes <see cref="ReceiveEvents"/> give up after <paramref name="timeout"/> (SO_RCVTIMEO).</summary>
    public void SetReceiveTimeout(TimeSpan timeout)
    {
        var value = new Timeval { Seconds = (long)timeout.TotalSeconds, Microseconds = timeout.Milliseconds * 1000L };
        setsockopt((int)_fd.DangerousGetHandle(), SOL_SOCKET, SocketOptionReceiveTimeout, &value, sizeof(Timeval));
    }

    /// <summary>
    /// One received batch of event messages, or empty when the receive timeout passed first.
    /// </summary>
    /// <exception cref="NetlinkException">The socket failed; errno <see cref="ENoBufs"/> means events were lost.</exception>
    public ReadOnlySpan<byte> ReceiveEvents()
    {
        var fd = (int)_fd.DangerousGetHandle();
        fixed (byte* p = _buffer)
        {
            while (true)
            {
                var rc = (long)recv(fd, p, (size_t)_buffer.Length, 0);
                if (rc > 0)
                {
                    return _buffer.AsSpan(0, (int)rc);
                }

                var error = rc == 0 ? 0 : (int)errno;
                if (error == EINTR)
                {
                    continue;
                }

                if (error is EAgain)
                {
                    return [];
                }

                throw new NetlinkException($"netlink recv failed: errno {error}", error);
            }
        }
    }

    /// <summary>ENOBUFS: the kernel dropped messages this socket could not take in time.</summary>
    public const int ENoBufs = Errno.ENoBufs;

    private const int EAgain = Errno.EAgain;
    private const int SocketOptionReceiveTimeout = 20;

    /// <summary>
    /// Sends a ctnetlink request (header + nfgenmsg family 0 + <paramref name="attributes"/>) and feeds the
    /// replies to <paramref name="handler"/> until it reports <see cref="BatchEnd.Done"/>.
    /// </summary>
    public void Request(int ctMessage, ushort flags, ReadOnlySpan<byte> attributes, BatchHandler handler)
    {
        Span<byte> payload = stackalloc byte[Nl.NfgenmsgSize + attributes.Length];
        payload.Clear();
        payload[0] = 0; // AF_UNSPEC: every family
        payload[1] = Nl.NfnetlinkV0;
        attributes.CopyTo(payload[Nl.NfgenmsgSize..]);
        RequestRaw(Nl.CtType(ctMessage), flags, payload, handler);
    }

    /// <summary>
    /// Sends one message of <paramref name="type"/> whose body (family header + attributes) is
    /// <paramref name="payload"/>, and feeds the replies to <paramref name="handler"/> until it reports
    /// <see cref="BatchEnd.Done"/>.
    /// </summary>
    public void RequestRaw(ushort type, ushort flags, ReadOnlySpan<byte> payload, BatchHandler handler)
    {
        var sequence = ++_sequence;
        var length = Nl.NlmsgHeaderSize + payload.Length;
        var request = new byte[length];
        var header = new NlMsgHdr { Length = (uint)length, Type = type, Flags = flags, Sequence = sequence };
        MemoryMarshal.Write(request, in header);
        payload.CopyTo(request.AsSpan(Nl.NlmsgHeaderSize));
        Send(request);

        while (true)
        {
            var received = Receive();
            if (handler(_buffer.AsSpan(0, received), sequence) == BatchEnd.Done)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="messages"/> (complete netlink messages, each with its own header) in one write and
    /// feeds the replies to <paramref name="handler"/> (sequence 0: replies are not matched) until it reports done.
    /// </summary>
    public void SendBatch(ReadOnlySpan<byte> messages, BatchHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Send(messages);
        while (handler(_buffer.AsSpan(0, Receive()), 0) != BatchEnd.Done)
        {
        }
    }

    private void Send(ReadOnlySpan<byte> request)
    {
        var fd = (int)_fd.DangerousGetHandle();
        fixed (byte* p = request)
        {
            while (true)
            {
                var rc = (long)send(fd, p, (size_t)request.Length, 0);
                if (rc >= 0)
                {
                    return;
                }

                if (errno != EINTR)
                {
                    throw new NetlinkException($"netlink send failed: errno {errno}", errno);
                }
            }
        }
    }

    private int Receive()
    {
        var fd = (int)_fd.DangerousGetHandle();
        fixed (byte* p = _buffer)
        {
            while (true)
            {
                var rc = (long)recv(fd, p, (size_t)_buffer.Length, 0);
                if (rc > 0)
                {
                    return (int)rc;
                }

                if (rc == 0)
                {
                    throw new NetlinkException("netlink socket closed", 0);
                }

                if (errno != EINTR)
                {
                    throw new NetlinkException($"netlink recv failed: errno {errno}", errno);
                }
            }
        }
    }

    public void Dispose() => _fd.Dispose();
}

/// <summary>A raw file descriptor closed exactly once.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle(int fd)
        : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    protected override bool ReleaseHandle() => close((int)handle) == 0;
}

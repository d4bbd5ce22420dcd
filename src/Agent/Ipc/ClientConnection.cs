using System.Net.Sockets;
using System.Threading.Channels;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>
/// One connected web (or test) client. Every outgoing frame goes through one queue and one writer loop,
/// so replies and pushed samples never interleave. Pushes are dropped for a client that stops reading;
/// replies wait.
/// </summary>
public sealed class ClientConnection : IAsyncDisposable
{
    private const int QueueCapacity = 256;
    private readonly Socket _socket;
    private readonly Channel<byte[]> _outbox = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly CancellationTokenSource _closed = new();
    private readonly Task _writer;

    public ClientConnection(Socket socket)
    {
        _socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: false);
        _writer = Task.Run(WriteLoopAsync);
    }

    public NetworkStream Stream { get; }

    public CancellationToken Closed => _closed.Token;

    public ValueTask SendAsync(AgentEvent reply, CancellationToken cancellationToken) =>
        _outbox.Writer.WriteAsync(AgentProtocol.Serialize(reply), cancellationToken);

    /// <summary>Queues a pushed frame; false (dropped) when the client is not keeping up.</summary>
    public bool TryPush(byte[] frame) => _outbox.Writer.TryWrite(frame);

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var body in _outbox.Reader.ReadAllAsync(_closed.Token).ConfigureAwait(false))
            {
                await Framing.WriteAsync(Stream, body, _closed.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away; the read loop notices and cleans up.
        }
        finally
        {
            await _closed.CancelAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _closed.CancelAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        await _writer.ConfigureAwait(false);
        await Stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
        _closed.Dispose();
    }
}

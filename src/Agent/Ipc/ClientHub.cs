using System.Collections.Concurrent;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>The connected clients, for pushed frames (conntrack samples, log entries).</summary>
public sealed class ClientHub
{
    private readonly ConcurrentDictionary<ClientConnection, byte> _clients = new();

    public int Count => _clients.Count;

    public void Add(ClientConnection client) => _clients.TryAdd(client, 0);

    public void Remove(ClientConnection client) => _clients.TryRemove(client, out _);

    /// <summary>Serialises once and queues to every client; slow clients miss the frame rather than stall others.</summary>
    public void Broadcast(AgentEvent agentEvent) => Broadcast(agentEvent, except: null);

    /// <summary>As <see cref="Broadcast(AgentEvent)"/>, to every client but <paramref name="except"/> (which got it as its reply).</summary>
    public void Broadcast(AgentEvent agentEvent, ClientConnection? except)
    {
        if (_clients.IsEmpty || (_clients.Count == 1 && except is not null && _clients.ContainsKey(except)))
        {
            return;
        }

        var body = AgentProtocol.Serialize(agentEvent);
        foreach (var client in _clients.Keys)
        {
            if (client != except)
            {
                client.TryPush(body);
            }
        }
    }
}

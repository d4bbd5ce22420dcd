using System.Net.Sockets;

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// Creates sockets that live in a lab namespace. A socket belongs to the namespace it was created in for
/// its whole life, so a short-lived thread enters the namespace, creates (and binds) the socket, and ends;
/// the test process itself never leaves the host namespace and talks to the socket from any thread.
/// </summary>
public static class NetNs
{
    public static T Run<T>(string ns, Func<T> action)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Interop.EnterNetworkNamespace($"/run/netns/{ns}");
                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = $"netns {ns}" };
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"In namespace {ns}: {error.Message}", error);
        }

        return result!;
    }

    public static Socket CreateSocket(
        string ns, SocketType type, ProtocolType protocol, AddressFamily family = AddressFamily.InterNetwork) =>
        Run(ns, () => new Socket(family, type, protocol));
}

using System.Runtime.InteropServices;

namespace Gateway.Tests.E2e.Lab;

/// <summary>The few libc calls .NET does not wrap: entering a network namespace and sending signals.</summary>
internal static partial class Interop
{
    internal const int CloneNewNet = 0x40000000;
    internal const int SigTerm = 15;
    private const int ORdOnly = 0, OCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nsType);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    /// <summary>Moves the calling thread (only it) into the network namespace at <paramref name="path"/>.</summary>
    internal static void EnterNetworkNamespace(string path)
    {
        var fd = Open(path, ORdOnly | OCloExec);
        if (fd < 0)
        {
            throw new IOException($"open {path}: errno {Marshal.GetLastPInvokeError()}");
        }

        try
        {
            if (SetNs(fd, CloneNewNet) != 0)
            {
                throw new IOException($"setns {path}: errno {Marshal.GetLastPInvokeError()}");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    internal static bool Signal(int pid, int signal) => Kill(pid, signal) == 0;
}

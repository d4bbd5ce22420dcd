using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Gateway.Tests.Kernel.Agent;

/// <summary>
/// Runs test code on a dedicated thread that first moves itself into a new, empty network namespace
/// (<c>unshare(CLONE_NEWNET)</c> is per thread). Sockets it opens — libnftables', ctnetlink — live in that
/// namespace; the host's is never touched. The namespace disappears when the thread ends.
/// Commands that must act in it run through <see cref="Exec"/> (nsenter into the thread's namespace).
/// </summary>
internal static class ThrowawayNamespace
{
    private const int CloneNewNet = 0x40000000;

    // DllImport rather than LibraryImport: the signatures are blittable and the test project has no unsafe code.
    [DllImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static extern int Unshare(int flags);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [ThreadStatic]
    private static string? t_namespacePath;

    public static void Run(Action body) => Run<object?>(() =>
    {
        body();
        return null;
    });

    public static T Run<T>(Func<T> body)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (Unshare(CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"unshare(CLONE_NEWNET) failed: errno {Marshal.GetLastPInvokeError()} (tests need root).");
                }

                t_namespacePath = $"/proc/{Environment.ProcessId}/task/{GetTid()}/ns/net";
                ProcessRunner.Run("nsenter", $"--net={t_namespacePath}", "ip", "link", "set", "lo", "up");
                result = body();
            }
            catch (Exception ex)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
            }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Runs a command inside the current thread's throwaway namespace.</summary>
    public static ProcessRunner.Result Exec(string file, params string[] args)
    {
        var path = t_namespacePath ?? throw new InvalidOperationException("Not inside ThrowawayNamespace.Run.");
        return ProcessRunner.Run("nsenter", [$"--net={path}", file, .. args]);
    }

    /// <summary>Runs a shell script inside the current thread's throwaway namespace.</summary>
    public static ProcessRunner.Result Shell(string script) => Exec("sh", "-c", script);
}

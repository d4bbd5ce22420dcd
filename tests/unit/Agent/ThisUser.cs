using System.Runtime.InteropServices;

namespace Gateway.Tests.Unit.Agent;

/// <summary>
/// The uid the tests run as: the agent's socket lets in only the uids it is told to, and these tests must pass as
/// any user, not only root.
/// </summary>
internal static class ThisUser
{
    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUid();

    public static uint Uid { get; } = GetEffectiveUid();

    /// <summary>A uid that is surely not the one the tests run as.</summary>
    public static uint Stranger => Uid == 4242 ? 4243u : 4242u;
}

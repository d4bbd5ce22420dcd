using System.Runtime.InteropServices;

namespace Gateway.Agent.Interop;

/// <summary>
/// The agent's own glibc imports, all in one place under one library name. The versioned soname is used because
/// <c>libc.so</c> is a linker script where libc6-dev is installed and absent elsewhere. (Sockets, recv, close and
/// friends come from Tmds.LibC.)
/// </summary>
internal static unsafe partial class Libc
{
    public const string Library = "libc.so.6";

    /// <summary>M_ARENA_MAX for <see cref="MallOpt"/>.</summary>
    public const int ArenaMaxOption = -8;

    [LibraryImport(Library, EntryPoint = "if_nametoindex", StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    [LibraryImport(Library, EntryPoint = "mallopt")]
    public static partial int MallOpt(int parameter, int value);

    [LibraryImport(Library, EntryPoint = "malloc_trim")]
    public static partial int MallocTrim(nuint pad);

    /// <summary>The user's passwd entry (static storage inside glibc), or null when there is none.</summary>
    [LibraryImport(Library, EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    public static partial Passwd* GetPwNam(string name);

    /// <summary>The group's entry (static storage inside glibc), or null when there is none.</summary>
    [LibraryImport(Library, EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8)]
    public static partial Group* GetGrNam(string name);
}

/// <summary>struct group (grp.h), as far as the agent reads it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Group
{
    public byte* Name;
    public byte* Password;
    public uint Gid;
    public byte** Members;
}

/// <summary>struct passwd (pwd.h), as far as the agent reads it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Passwd
{
    public byte* Name;
    public byte* Password;
    public uint Uid;
    public uint Gid;
    public byte* Gecos;
    public byte* Directory;
    public byte* Shell;
}

/// <summary>struct sockaddr_nl (linux/netlink.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SockaddrNl
{
    public ushort Family;
    public ushort Pad;

    /// <summary>The port id; 0 lets the kernel pick one.</summary>
    public uint Pid;

    /// <summary>Multicast groups, bit n-1 for group n.</summary>
    public uint Groups;
}

/// <summary>struct timeval on 64-bit Linux (SO_RCVTIMEO).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timeval
{
    public long Seconds;
    public long Microseconds;
}

/// <summary>struct nlmsghdr (linux/netlink.h), host order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    public uint Length;
    public ushort Type;
    public ushort Flags;
    public uint Sequence;

    /// <summary>The sender's port id; 0 from the kernel.</summary>
    public uint Pid;
}

namespace Gateway.Agent.Netlink;

/// <summary>The errno values netlink callers tell apart, and their names for messages.</summary>
public static class Errno
{
    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int ESrch = 3;
    public const int EIntr = 4;
    public const int EAgain = 11;
    public const int EExist = 17;
    public const int ENoDev = 19;
    public const int EInval = 22;
    public const int ENetDown = 100;
    public const int ENetUnreach = 101;
    public const int ENoBufs = 105;
    public const int EAddrNotAvail = 99;

    /// <summary>"EEXIST" for 17, and so on; "errno" for the ones not listed.</summary>
    public static string Name(int errno) => errno switch
    {
        EPerm => "EPERM",
        ENoEnt => "ENOENT",
        ESrch => "ESRCH",
        EIntr => "EINTR",
        EExist => "EEXIST",
        ENoDev => "ENODEV",
        EInval => "EINVAL",
        EAddrNotAvail => "EADDRNOTAVAIL",
        ENetDown => "ENETDOWN",
        ENetUnreach => "ENETUNREACH",
        ENoBufs => "ENOBUFS",
        _ => "errno",
    };
}

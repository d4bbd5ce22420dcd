// The agent drives Linux-only kernel interfaces (nftables, netlink, /dev/kmsg, SO_PEERCRED).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

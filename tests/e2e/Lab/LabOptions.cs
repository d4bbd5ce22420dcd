namespace Gateway.Tests.E2e.Lab;

public sealed class LabOptions
{
    /// <summary>The router's WAN link name inside the router namespace ("ppp0" to test the "ppp*" wildcard).</summary>
    public string WanInterfaceName { get; init; } = "wan0";

    /// <summary>Folder name under artifacts/e2e/ for this lab's process logs; defaults to the lab's prefix.</summary>
    public string? Name { get; init; }
}

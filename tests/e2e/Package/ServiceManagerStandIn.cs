namespace Gateway.Tests.E2e.Package;

/// <summary>
/// A parent process named <c>systemd</c> for a service started by the package test. Microsoft.Extensions.Hosting.Systemd
/// (10.0) decides it runs under systemd by its parent's name (or by being PID 1), and only then sends READY=1; on a
/// real box the parent is systemd itself. The stand-in starts the service as its child and passes SIGTERM on.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class ServiceManagerStandIn : IDisposable
{
    private const string Script = """
        #!/bin/sh
        "$@" &
        child=$!
        trap 'kill -TERM "$child" 2>/dev/null' TERM INT
        # wait returns early when a trapped signal arrives: wait until the child is really gone.
        while kill -0 "$child" 2>/dev/null; do wait "$child"; status=$?; done
        exit "${status:-0}"
        """;

    private readonly string _folder;

    public ServiceManagerStandIn()
    {
        _folder = Directory.CreateTempSubdirectory("gw-systemd-").FullName;
        // The process name (comm) of a script is its file name.
        Path = System.IO.Path.Combine(_folder, "systemd");
        File.WriteAllText(Path, Script.ReplaceLineEndings("\n") + "\n");
        File.SetUnixFileMode(Path, (UnixFileMode)0b111_101_101);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

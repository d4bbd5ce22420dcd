using System.Diagnostics;

namespace Gateway.Bench;

/// <summary>Re-executes this benchmark inside a network namespace (<c>ip netns exec</c>) for one stage.</summary>
internal static class Self
{
    public static int RunInside(string ns, string stage, IEnumerable<string> args)
    {
        var self = Environment.ProcessPath!;
        var childArgs = new List<string> { "netns", "exec", ns, self };
        if (!Path.GetFileNameWithoutExtension(self).Equals("Gateway.Bench", StringComparison.Ordinal))
        {
            childArgs.Add(typeof(Self).Assembly.Location); // started as "dotnet Gateway.Bench.dll"
        }

        childArgs.AddRange(args);
        childArgs.AddRange(["--inside", stage]);
        var info = new ProcessStartInfo("ip") { UseShellExecute = false };
        childArgs.ForEach(info.ArgumentList.Add);
        using var child = Process.Start(info)!;
        child.WaitForExit();
        return child.ExitCode;
    }
}

using Gateway.Shared.Config;

namespace Gateway.Shared.Validation;

public static partial class ConfigValidator
{
    /// <summary>
    /// Absent is allowed (a snapshot written before port-scan protection existed means off). The window is capped at
    /// an hour because the per-source count is a token bucket refilled once a week: within an hour it never refills.
    /// </summary>
    private static void ValidatePortScan(PortScanProtection? scan, ValidationErrors errors, Func<string, string> p)
    {
        if (scan is null)
        {
            return;
        }

        if (scan.Ports is < PortScanProtection.MinPorts or > PortScanProtection.MaxPorts)
        {
            errors.Add(p("portScan.ports"), $"Between {PortScanProtection.MinPorts} and {PortScanProtection.MaxPorts}.");
        }

        if (scan.WithinSeconds is < 1 or > PortScanProtection.MaxWithinSeconds)
        {
            errors.Add(p("portScan.withinSeconds"), $"Between 1 and {PortScanProtection.MaxWithinSeconds}.");
        }

        if (scan.BlockSeconds is < 1 or > PortScanProtection.MaxBlockSeconds)
        {
            errors.Add(p("portScan.blockSeconds"), $"Between 1 and {PortScanProtection.MaxBlockSeconds}.");
        }
    }
}

namespace Gateway.Tests.E2e.Lab;

/// <summary>
/// Test classes that must not share the machine with other labs: floods that saturate a core, the package test
/// that installs on the host itself, and tests that read the firewall log. Log lines reach the kernel log of the
/// host (nf_log_all_netns=1), so every agent reads every lab's lines, and a test that asserts a line is absent, or
/// counts lines, would see a neighbour's. xunit runs this collection after the parallel ones, one class at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}

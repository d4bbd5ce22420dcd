namespace Gateway.Tests.E2e.Ui;

/// <summary>A lab set up over REST (masquerade on) shared by the panel tests; its artifacts hold the screenshots.</summary>
public sealed class PanelLab : Lab.LabFixture
{
    protected override Lab.LabOptions Options => new() { Name = "ui-panel" };
}

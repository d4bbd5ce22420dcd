namespace Gateway.Web.Confirm;

/// <summary>Section <c>Apply</c>: how long the panel's risky writes wait for "Keep these changes".</summary>
public sealed class ApplyOptions
{
    public const int MinConfirmSeconds = 5;
    public const int MaxConfirmSeconds = 3600;

    /// <summary>The rollback window of a risky write from the panel, in seconds (5–3600, default 60).</summary>
    public int ConfirmSeconds { get; set; } = 60;
}

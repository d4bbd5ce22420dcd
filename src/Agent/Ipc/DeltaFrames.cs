using Gateway.Shared.Config;
using Gateway.Shared.Protocol;

namespace Gateway.Agent.Ipc;

/// <summary>An <c>apply-delta</c> turned into the whole <c>apply</c> it stands for, when the agent holds its base.</summary>
public static class DeltaFrames
{
    /// <summary>
    /// The <see cref="ApplyRequest"/> of <paramref name="held"/> (revision <paramref name="heldRevision"/>, digest
    /// <paramref name="heldDigest"/>) with the delta's changes made, or null with <paramref name="refusal"/> saying why
    /// not: no config held (lockdown, first boot), another base, or a change that makes no sense.
    /// </summary>
    public static ApplyRequest? Resolve(ApplyDeltaRequest delta, long heldRevision, GatewayConfig? held, string? heldDigest, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(delta);
        refusal = null;
        if (held is null)
        {
            refusal = "The agent holds no applied configuration: send the whole config.";
            return null;
        }

        if (delta.Base != heldRevision || (delta.BaseDigest is not null && !string.Equals(delta.BaseDigest, heldDigest, StringComparison.Ordinal)))
        {
            refusal = $"The agent holds revision {heldRevision}, not the base {delta.Base} of this delta: send the whole config.";
            return null;
        }

        if (delta.Revision <= 0)
        {
            refusal = "revision: must be positive.";
            return null;
        }

        if (ConfigDelta.Apply(held, delta.Changes, out var error) is not { } config)
        {
            refusal = $"Invalid delta: {error}";
            return null;
        }

        return new ApplyRequest(delta.Revision, config, delta.ConfirmSeconds) { Id = delta.Id };
    }
}

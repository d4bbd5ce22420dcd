using Gateway.Web.State;

namespace Gateway.Web.Components.Shared;

/// <summary>One sentence for a failed outcome, for places without a form to hold field errors.</summary>
public static class OutcomeText
{
    public static string Describe<T>(Outcome<T> outcome) =>
        outcome.Message
        ?? (outcome.Errors is { Count: > 0 } errors
            ? string.Join(" ", errors.SelectMany(e => e.Value))
            : outcome.Kind switch
            {
                OutcomeKind.NotFound => "It no longer exists.",
                OutcomeKind.Conflict => "It conflicts with another entry.",
                _ => "The change was refused.",
            });
}

using Gateway.Shared.Validation;

namespace Gateway.Web.State;

public enum OutcomeKind
{
    Ok,
    Created,
    Invalid,
    Conflict,
    NotFound,
}

/// <summary>
/// The result of a state-changing call, shared by REST endpoints and Blazor pages.
/// <see cref="Errors"/>: camelCase field path → messages (the map a REST 400 carries).
/// <see cref="Message"/>: the reason for Conflict / NotFound.
/// </summary>
public sealed record Outcome<T>(OutcomeKind Kind, T? Value, IReadOnlyDictionary<string, string[]>? Errors = null, string? Message = null)
{
    public bool Succeeded => Kind is OutcomeKind.Ok or OutcomeKind.Created;

    public static Outcome<T> Ok(T value) => new(OutcomeKind.Ok, value);

    public static Outcome<T> Created(T value) => new(OutcomeKind.Created, value);

    public static Outcome<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new(OutcomeKind.Invalid, default, errors);

    public static Outcome<T> Invalid(ValidationErrors errors) => Invalid(errors.ToDictionary());

    public static Outcome<T> Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    public static Outcome<T> Conflict(string message, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(OutcomeKind.Conflict, default, errors, message);

    public static Outcome<T> NotFound(string message) => new(OutcomeKind.NotFound, default, null, message);

    /// <summary>The same failure carried as another value type.</summary>
    public Outcome<TOther> As<TOther>() => Succeeded
        ? throw new InvalidOperationException("Only a failed outcome can change its value type.")
        : new(Kind, default, Errors, Message);
}

using Gateway.Web.Auth;
using Gateway.Web.State;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway.Web.Api;

/// <summary>Outcome → problem results, so every resource answers failures the same way.</summary>
internal static class ApiResults
{
    /// <summary>201 at <paramref name="location"/> with the new value, or the failure as 400/404/409.</summary>
    public static Results<Created<T>, ValidationProblem, ProblemHttpResult> Created<T>(Outcome<T> outcome, Func<T, string> location) =>
        outcome.Kind switch
        {
            OutcomeKind.Created or OutcomeKind.Ok => TypedResults.Created(location(outcome.Value!), outcome.Value!),
            OutcomeKind.Invalid => Invalid(outcome),
            _ => Problem(outcome),
        };

    /// <summary>200 with the stored value, or the failure as 400/404/409.</summary>
    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> Saved<T>(Outcome<T> outcome) => outcome.Kind switch
    {
        OutcomeKind.Ok or OutcomeKind.Created => TypedResults.Ok(outcome.Value!),
        OutcomeKind.Invalid => Invalid(outcome),
        _ => Problem(outcome),
    };

    public static ValidationProblem Invalid<T>(Outcome<T> outcome) =>
        TypedResults.ValidationProblem(outcome.Errors ?? new Dictionary<string, string[]>(), title: "The request has invalid fields.");

    /// <summary>Conflict (409, with the conflicting field in <c>errors</c> when known) or NotFound (404).</summary>
    public static ProblemHttpResult Problem<T>(Outcome<T> outcome) => outcome.Kind switch
    {
        OutcomeKind.NotFound => NotFound(outcome.Message),
        OutcomeKind.Conflict => TypedResults.Problem(
            detail: outcome.Message,
            statusCode: StatusCodes.Status409Conflict,
            title: "Conflict.",
            type: ApiProblems.Conflict,
            extensions: outcome.Errors is null ? null : new Dictionary<string, object?> { ["errors"] = outcome.Errors }),
        _ => throw new InvalidOperationException($"Outcome {outcome.Kind} is not a problem."),
    };

    public static ProblemHttpResult NotFound(string? detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.", type: ApiProblems.NotFound);

    public static ProblemHttpResult AgentUnavailable(string? detail = null) =>
        TypedResults.Problem(
            detail: detail ?? "The agent is not connected.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Agent unavailable.",
            type: ApiProblems.AgentUnavailable);

    /// <summary>
    /// 429 with Retry-After: too many failed passwords lately, from this address, its network or everywhere
    /// (<see cref="LoginThrottle"/> keeps all three), so the detail names none of them.
    /// </summary>
    public static ProblemHttpResult TooManyAttempts(HttpResponse response, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            detail: $"Too many failed logins within {LoginThrottle.Window.TotalMinutes:0} minutes; logging in is paused for {seconds} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many failed logins.",
            type: ApiProblems.TooManyAttempts);
    }

    public static ProblemHttpResult Unauthorized(string? detail = null) =>
        TypedResults.Problem(
            detail: detail ?? ApiProblems.UnauthorizedDetail,
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Authentication required.",
            type: ApiProblems.Unauthorized);
}

internal static class EndpointConventions
{
    /// <summary>Cookie or bearer token required; documents the 401 problem.</summary>
    public static TBuilder RequireApiAuth<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
}

using Microsoft.AspNetCore.Antiforgery;

namespace Gateway.Web.Auth;

/// <summary>
/// The account form posts need a valid antiforgery pair (the UseAntiforgery middleware checks it and records the
/// outcome; this filter acts on it). Without one: 400 and one log line — not a 500 with a stack trace, and no
/// cross-site page can log the admin out or in.
/// </summary>
internal static partial class AntiforgeryCheck
{
    public const string Message = "This form has expired or did not come from this site: reload the page and try again.\n";
    public const string FormLimitMessage = "The form has more fields, or longer ones, than the sign-in form sends.\n";

    public static RouteHandlerBuilder RequireAntiforgery(this RouteHandlerBuilder endpoint) =>
        endpoint.WithMetadata(new RequireAntiforgeryTokenAttribute()).AddEndpointFilter(async (invocation, next) =>
        {
            var context = invocation.HttpContext;
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: true })
            {
                return await next(invocation);
            }

            var error = context.Features.Get<IAntiforgeryValidationFeature>()?.Error;
            if (error?.InnerException is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
            {
                // Reading the form for the token hit the body limit: say so rather than blame the token.
                return Results.Text("Request body too large.\n", "text/plain", statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            if (error?.InnerException is InvalidDataException)
            {
                // The form broke a field limit (FormOptions: value length, count, key length) before the token was found.
                return Results.Text(FormLimitMessage, "text/plain", statusCode: StatusCodes.Status400BadRequest);
            }

            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AntiforgeryCheck));
            LogRefused(logger, context.Request.Path, error?.Message ?? "not validated");
            return Results.Text(Message, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        });

    [LoggerMessage(LogLevel.Information, "Refused POST {Path}: no valid antiforgery token ({Reason}).")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}

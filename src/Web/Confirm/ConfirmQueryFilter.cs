using System.Globalization;

namespace Gateway.Web.Confirm;

/// <summary>
/// On every REST v1 write: <c>?confirm=&lt;seconds&gt;</c> (5–3600) asks for a commit-confirmed apply; anything else
/// there is a 400 naming <c>confirm</c>, before the write runs. Without it the write applies and stays — REST never
/// gets the panel's automatic window — and, inside a pending trial, confirms that trial: the answer then carries
/// <c>Gateway-Confirmed-Trial: &lt;revision&gt;</c>.
/// </summary>
internal sealed class ConfirmQueryFilter : IEndpointFilter
{
    public const string Parameter = "confirm";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
        {
            return await next(context);
        }

        int? seconds = null;
        if (http.Request.Query.TryGetValue(Parameter, out var values))
        {
            if (values.Count != 1
                || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)
                || parsed is < ApplyOptions.MinConfirmSeconds or > ApplyOptions.MaxConfirmSeconds)
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]>
                    {
                        [Parameter] = [$"The rollback window in whole seconds, {ApplyOptions.MinConfirmSeconds}–{ApplyOptions.MaxConfirmSeconds}."],
                    },
                    title: "The request has invalid fields.");
            }

            seconds = parsed;
        }

        var confirmation = http.RequestServices.GetRequiredService<ApplyConfirmation>();
        confirmation.FromRest(seconds);
        var result = await next(context);
        if (confirmation.ConfirmedTrial is { } trial)
        {
            // Set only by a committed write: the answer says this plain write kept the trial that was pending.
            http.Response.Headers[ApplyConfirmation.ConfirmedTrialHeader] = trial.ToString(CultureInfo.InvariantCulture);
        }

        return result;
    }
}

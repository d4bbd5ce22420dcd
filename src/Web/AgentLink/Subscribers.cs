namespace Gateway.Web.AgentLink;

/// <summary>Raises an event to each subscriber in turn; one that throws is logged and never stops the others or the link.</summary>
internal static partial class Subscribers
{
    public static void Raise(Action? handler, ILogger logger)
    {
        foreach (var subscriber in handler?.GetInvocationList().Cast<Action>() ?? [])
        {
            try
            {
                subscriber();
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(logger, ex);
            }
        }
    }

    public static void Raise<T>(Action<T>? handler, T value, ILogger logger)
    {
        foreach (var subscriber in handler?.GetInvocationList().Cast<Action<T>>() ?? [])
        {
            try
            {
                subscriber(value);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(LogLevel.Error, "An agent-link subscriber threw.")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception ex);
}

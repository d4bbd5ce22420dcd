namespace Gateway.Web.AgentLink;

/// <summary>The agent is not connected, or did not answer in time; REST answers 503 <c>agent-unavailable</c>.</summary>
public sealed class AgentUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

namespace Gateway.Shared.Config;

/// <summary>
/// The HOWTO's REDIR: matching traffic arriving on <see cref="InInterface"/> (null = the LAN) is answered by the
/// router's own <see cref="ToPort"/>, e.g. every LAN DNS query to the router's resolver.
/// <see cref="Destination"/> null means any address but the router's own.
/// </summary>
public sealed record Redirect(
    int Id,
    string Name,
    bool Enabled,
    string? InInterface,
    ForwardProtocol Protocol,
    int Port,
    int? PortEnd,
    int ToPort,
    string? Destination);

namespace Gateway.Shared.Config;

/// <summary>
/// Source-based routing: traffic from <see cref="Source"/> (a LAN host or network) to anything but the LAN leaves
/// through <see cref="OutInterface"/> via <see cref="Gateway"/> (optional on a point-to-point link), masqueraded
/// there when <see cref="Masquerade"/>. The agent owns routing tables and rule priorities 30000–30999.
/// </summary>
public sealed record PolicyRoute(int Id, string Name, bool Enabled, string Source, string OutInterface, string? Gateway, bool Masquerade = true);

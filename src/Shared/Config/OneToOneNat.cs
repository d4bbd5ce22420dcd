namespace Gateway.Shared.Config;

/// <summary>
/// True 1:1 NAT: every packet to <see cref="ExternalAddress"/> goes to <see cref="InternalAddress"/> (all ports,
/// all protocols), and that host's outbound traffic leaves as <see cref="ExternalAddress"/>. With
/// <see cref="AddAddress"/> the agent puts <c>ExternalAddress/32</c> on the WAN link while the entry is enabled.
/// </summary>
public sealed record OneToOneNat(int Id, string Name, bool Enabled, string ExternalAddress, string InternalAddress, bool AddAddress = true);

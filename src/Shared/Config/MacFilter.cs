namespace Gateway.Shared.Config;

/// <summary>A LAN device by MAC address, stored in lower-case colon form ("aa:bb:cc:dd:ee:ff").</summary>
public sealed record MacFilter(int Id, string Mac, string Name, bool Enabled = true);

/// <summary>The MAC filter mode, a resource of its own in the REST API.</summary>
public sealed record MacPolicy(MacFilterMode Mode);

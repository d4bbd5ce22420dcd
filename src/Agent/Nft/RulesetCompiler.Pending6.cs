namespace Gateway.Agent.Nft;

// TEMPORARY (v6-runtime branch only): the compiler helper provides this; delete this file at merge.
public static partial class RulesetCompiler
{
    /// <summary>The set of IPv6 addresses a MAC pinhole admits, kept filled by the agent from the neighbour table.</summary>
    public static string PinholeMacSetName(int id) => $"ph_mac_{id.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}

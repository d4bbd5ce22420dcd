using Gateway.Shared.Config;
using Gateway.Shared.Validation;
using Gateway.Web.State;

namespace Gateway.Web.OpenApi;

/// <summary>
/// What the document says about one request field: the bounds, pattern or format the server enforces, and an example
/// that passes them (on the LAN 192.168.1.1/24 of a fresh setup). Numbers come from the constants the validators use.
/// </summary>
internal sealed record FieldSpec(
    int? Minimum = null,
    int? Maximum = null,
    int? MinLength = null,
    int? MaxLength = null,
    string? Pattern = null,
    string? Format = null,
    string? Example = null,
    string? Description = null);

/// <summary>
/// The one table of request-field rules for the OpenAPI document. It mirrors <see cref="ConfigValidator"/>,
/// <see cref="FieldRules"/>, <see cref="AdminPassword"/> and the <c>RequiredFields</c> calls of the input records in
/// src/Web/State; tests/unit/Api/OpenApiContractTests.cs sends a body built from the document to every operation and
/// breaks each rule once, so a rule here that the server does not enforce (or a required field missing here) fails there.
/// </summary>
internal static class FieldContract
{
    private const string Ipv4 = @"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$";
    private const string Ipv4Cidr = @"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)/(?:[0-9]|[12]\d|3[0-2])$";
    private const string Ipv4OptionalCidr = @"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:/(?:[0-9]|[12]\d|3[0-2]))?$";

    /// <summary>Hex groups, colons and an optional embedded IPv4 tail: the shape of RFC 4291 text; the parser decides the rest.</summary>
    private const string Ipv6OptionalCidr = @"^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:/(?:\d|[1-9]\d|1[01]\d|12[0-8]))?$";
    private const string AnyIpOptionalCidr = @"^(?:[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:/\d{1,3})?$";
    private const string Mac = "^[0-9A-Fa-f]{2}(?:([:-])[0-9A-Fa-f]{2})(?:\\1[0-9A-Fa-f]{2}){4}$";
    private const string Interface = @"^[A-Za-z0-9_.-]{1,15}\*?$";
    private const string AccountName = @"^[A-Za-z_][A-Za-z0-9_.-]*\$?$";

    /// <summary>One link by its exact name (no wildcard), as a mirror needs.</summary>
    private const string OneLink = @"^[A-Za-z0-9_.-]{1,15}$";
    private const string InterfaceText = "A link name: 1–15 of A–Z a–z 0–9 _ . - with an optional trailing * (\"ppp*\" matches every ppp link); not \".\" or \"..\".";

    private const string HostNamePattern = "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
    private const string DnsNamePattern = "^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$";
    private const string AnyIp = "^(?:[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$";

    private static readonly FieldSpec Port = new(Minimum: 1, Maximum: 65535);

    private static readonly FieldSpec RangeEnd = new(Pattern: Ipv4, Format: "ipv4",
        Description: "An IPv4 host address inside the LAN; the range (start ≤ end) must not hold the router's own address. Needed while enabled; both left out: the LAN's default range.");

    private static readonly FieldSpec Name = new(
        MinLength: 1,
        MaxLength: FieldRules.MaxNameLength,
        Example: "Example",
        Description: $"{FieldRules.NameMessage} The server counts text elements (what a person sees as one character); "
            + $"JSON Schema's maxLength counts code points, so maxLength {FieldRules.MaxNameLength} is the nearest bound "
            + "it can state: a name of combined characters may be longer in code points and still be accepted.");

    private static readonly FieldSpec LogLevel = new(Description: "Null: as the logging policy says; off: never logged; else the syslog level of the log line.");

    /// <summary>Field rules by property name, for every input schema that has the property.</summary>
    private static readonly Dictionary<string, FieldSpec> ByName = new(StringComparer.Ordinal)
    {
        ["name"] = Name,
        ["id"] = new(Minimum: 1, Description: "Optional in a restore; when given, positive and unique in its list."),
        ["externalPort"] = Port,
        ["externalPortEnd"] = Port with { Description = $"The last port of a range starting at externalPort: not below it, at most {FieldRules.MaxPortRange} ports in all." },
        ["internalPort"] = Port with { Description = "Null: the external port(s). A range maps onto as many ports from here, not past 65535." },
        ["port"] = Port,
        ["portEnd"] = Port with { Description = "The last port of a range starting at port: not below it." },
        ["toPort"] = Port,
        ["destinationPort"] = Port with { Description = "Needs protocol tcp, udp or tcp+udp." },
        ["destinationPortEnd"] = Port with { Description = "The last port of a range starting at destinationPort: not below it." },
        ["ratePerMinute"] = new(Minimum: 1, Maximum: FieldRules.MaxRatePerMinute),
        ["ratePerSecond"] = new(Minimum: 1, Maximum: FieldRules.MaxRatePerSecond),
        ["burst"] = new(Minimum: 1, Maximum: FieldRules.MaxBurst),
        ["internalAddress"] = new(Pattern: Ipv4, Format: "ipv4", Example: "192.168.1.20",
            Description: "An IPv4 address inside the LAN, not the router's own, not the network or broadcast address."),
        ["externalAddress"] = new(Pattern: Ipv4, Format: "ipv4", Example: "203.0.113.10",
            Description: "A unicast IPv4 address outside the LAN: an address on the WAN side."),
        ["gateway"] = new(Pattern: Ipv4, Format: "ipv4", Example: "198.51.100.1",
            Description: "Null: the link's own default route; else the next hop, a unicast IPv4 address."),
        ["mac"] = new(Pattern: Mac, Example: "02:00:5e:10:00:01",
            Description: "aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff in any case; stored lower case with ':'. Not multicast or broadcast."),
        ["sourceMac"] = new(Pattern: Mac, Example: "02:00:5e:10:00:02",
            Description: "aa:bb:cc:dd:ee:ff or aa-bb-cc-dd-ee-ff; not multicast or broadcast; not on the output chain."),
        ["wanInterface"] = new(Pattern: Interface, Example: "ppp*", Description: InterfaceText + " Must not match the LAN interface."),
        ["lanInterface"] = new(Pattern: Interface, Example: "br-lan", Description: InterfaceText + " One named link, not a wildcard."),
        ["inInterface"] = new(Pattern: Interface, Example: "br-lan", Description: InterfaceText),
        ["outInterface"] = new(Pattern: Interface, Example: "wan2", Description: InterfaceText),
        ["interface"] = new(Pattern: OneLink, Example: "br-lan", Description: "The mirrored link: one named link, not a wildcard."),
        ["toInterface"] = new(Pattern: OneLink, Example: "mon0",
            Description: "Where the copies leave: one named link, not the mirrored one, nor a port of a mirrored bridge."),
        ["lanAddress"] = new(Pattern: Ipv4Cidr, Example: "192.168.1.1/24",
            Description: "The router's LAN address with its prefix length (8–30): a unicast host address, not the network or broadcast address."),
        ["lanIpv6"] = new(Pattern: @"^(?:auto|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/64)$", Example: "auto",
            Description: "Null or left out: IPv6 off on the LAN. \"auto\": the /64 the uplink delegates. Else the router's global or unique local address with its /64."),
        ["sourceCidr"] = new(Pattern: Ipv4OptionalCidr, Example: "203.0.113.0/24",
            Description: "Null: any source. An IPv4 address or network without host bits set."),
        ["source"] = new(Pattern: AnyIpOptionalCidr, Example: "192.168.1.20",
            Description: "An address or network without host bits set."),
        ["destination"] = new(Pattern: AnyIpOptionalCidr, Example: "203.0.113.53",
            Description: "An address or network without host bits set."),
        ["hostSuffix"] = new(Pattern: Ipv6OptionalCidr, Format: "ipv6", Example: "::10",
            Description: "The host's interface identifier inside the LAN /64, such as ::10 (not zero). Exactly one of hostSuffix or mac names the host."),
        ["adminPassword"] = new(MinLength: AdminPassword.MinLength, MaxLength: AdminPassword.MaxLength, Example: "correct horse battery staple"),
        ["logLevel"] = LogLevel,
        ["user"] = new(MaxLength: 32, Pattern: AccountName, Example: "nobody",
            Description: "Output rules only: packets sent by processes of this system user. " + FieldRules.AccountNameMessage + " The router must have it; resolved to its uid at every apply."),
        ["group"] = new(MaxLength: 32, Pattern: AccountName, Example: "nogroup",
            Description: "Output rules only: packets sent by processes of this system group. " + FieldRules.AccountNameMessage + " The router must have it; resolved to its gid at every apply."),
        ["bytes"] = new(Minimum: 1, Description: $"The quota in bytes, 1 to {FieldRules.MaxQuotaBytes}: every byte the rule matches counts against it."),
        ["rangeStart"] = RangeEnd with { Example = "192.168.1.100" },
        ["rangeEnd"] = RangeEnd with { Example = "192.168.1.249" },
        ["leaseSeconds"] = new(Minimum: DhcpSettings.MinLeaseSeconds, Maximum: DhcpSettings.MaxLeaseSeconds, Description: "Default 43200 (12 hours)."),
        ["domain"] = new(MinLength: 1, MaxLength: 63, Pattern: HostNamePattern, Example: "lan",
            Description: "The local DNS domain (name.lan): one DNS label."),
    };

    private static readonly FieldSpec LeaseName = new(MinLength: 1, MaxLength: 63, Pattern: HostNamePattern, Example: "nas",
        Description: ConfigValidator.HostNameMessage + " Compared case-insensitively; resolves as name and name.<domain>.");

    private static readonly FieldSpec LeaseAddress = new(Pattern: Ipv4, Format: "ipv4", Example: "192.168.1.20",
        Description: "An IPv4 host address inside the LAN, not the router's own.");

    /// <summary>Per-schema exceptions to <see cref="ByName"/>, where one property name means different things.</summary>
    private static readonly Dictionary<(string Schema, string Property), FieldSpec> BySchema = new()
    {
        [("PortScanInput", "ports")] = new(Minimum: PortScanProtection.MinPorts, Maximum: PortScanProtection.MaxPorts,
            Description: "Distinct closed destination ports one source may try within withinSeconds; the last of them blocks it."),
        [("PortScanInput", "withinSeconds")] = new(Minimum: 1, Maximum: PortScanProtection.MaxWithinSeconds,
            Description: "The window, counted from the source's first closed port."),
        [("PortScanInput", "blockSeconds")] = new(Minimum: 1, Maximum: PortScanProtection.MaxBlockSeconds,
            Description: "How long a blocked source is dropped entirely."),
        [("StaticLeaseInput", "name")] = LeaseName,
        [("StaticLeaseInput", "address")] = LeaseAddress,
        [("DnsHostInput", "name")] = new(MinLength: 1, MaxLength: 253, Pattern: DnsNamePattern, Example: "printer", Description: ConfigValidator.DnsNameMessage),
        [("DnsHostInput", "address")] = new(Pattern: AnyIp, Example: "192.168.1.30", Description: "An IPv4 or IPv6 address."),
        [("PinholeInput", "sourceCidr")] = new(Pattern: Ipv6OptionalCidr, Example: "2001:db8:99::/48",
            Description: "Null: any source. An IPv6 address or network without host bits set."),
        [("PolicyRouteInput", "source")] = new(Pattern: Ipv4OptionalCidr, Example: "192.168.1.20",
            Description: "A LAN host or network inside the LAN, without host bits set."),
        [("RedirectInput", "destination")] = new(Pattern: Ipv4OptionalCidr, Example: "203.0.113.53",
            Description: "Null: any destination. An IPv4 address or network without host bits set."),
        [("UpnpInput", "allowedPorts")] = new(Pattern: @"^[0-9]{1,5}(?:-[0-9]{1,5})?$", Example: "1024-65535",
            Description: "The external ports a mapping may take: one port or first-last, 1–65535, first not above last."),
        [("UpnpInput", "leaseSeconds")] = new(Minimum: UpnpSettings.MinLeaseSeconds, Maximum: UpnpSettings.MaxLeaseSeconds,
            Description: "The longest a mapping lives without a renewal."),
        [("UpnpInput", "deniedPorts")] = new(
            Description: "Ports no mapping may take as its external or internal port: numbers (21) or \"first-last\" strings, at most 64."),
        [("WanInput", "address")] = new(Pattern: Ipv4Cidr, Example: "203.0.113.10/24",
            Description: "Static mode: the router's WAN address with its prefix length (8–32), outside the LAN."),
        [("WanInput", "gateway")] = new(Pattern: Ipv4, Format: "ipv4", Example: "203.0.113.1",
            Description: "Static mode: another host in the WAN address's subnet."),
        [("WanInput", "prefixHint")] = new(Minimum: WanSettings.MinPrefixHint, Maximum: WanSettings.MaxPrefixHint,
            Description: "The delegated prefix length to ask for (ipv6 auto); null: the ISP's choice."),
        [("PolicyRouteInput", "outInterface")] = new(Pattern: Interface, Example: "wan2",
            Description: InterfaceText + " One named uplink: not a wildcard, not the LAN."),
    };

    /// <summary>
    /// The fields each request schema must carry: the <c>RequiredFields</c> calls of its input record (or, where noted,
    /// the service or validator that refuses the missing field). Every other field may be left out and takes its default.
    /// Null: a shared record read as it is (PUT /network, PUT /logging), whose generated required list is already the
    /// truth (its non-nullable parameters without a default); only its field rules are added.
    /// </summary>
    private static readonly Dictionary<string, string[]?> Required = new(StringComparer.Ordinal)
    {
        ["NetworkSettings"] = null,
        ["LoggingPolicy"] = null,
        ["PortForwardInput"] = ["name", "protocol", "externalPort", "internalAddress"],
        ["MacFilterInput"] = ["mac", "name"],
        ["MacPolicyInput"] = ["mode"],
        ["RuleInput"] = ["name", "chain", "action"],
        ["RuleLimitInput"] = ["ratePerSecond", "burst"],
        ["OneToOneInput"] = ["name", "externalAddress", "internalAddress"],
        ["RedirectInput"] = ["name", "protocol", "port", "toPort"],
        ["MirrorInput"] = ["name", "interface", "toInterface"],
        ["PolicyRouteInput"] = ["name", "source", "outInterface"],
        ["PinholeInput"] = ["name", "protocol", "port"],
        ["NetworkInput"] = ["wanInterface", "lanInterface", "lanAddress"],
        ["LoggingInput"] = ["droppedInput", "droppedForward", "portForwards", "macFilter", "ratePerMinute", "burst"],
        // HelpersService and RuleService refuse a missing list; ConfigValidator a missing part of a restore.
        ["HelpersInput"] = ["outbound"],
        ["DhcpInput"] = [],
        ["StaticLeaseInput"] = ["name", "mac", "address"],
        ["DnsInput"] = [],
        ["WanInput"] = [],
        ["UpnpInput"] = [],
        // ConfigValidator.ValidateDns names a host's missing name or address.
        ["DnsHostInput"] = ["name", "address"],
        ["RuleOrderInput"] = ["ids"],
        ["ConfigInput"] = ["network", "portForwards", "macFilters", "macPolicy", "logging"],
        // SetupService: the password rule and ConfigValidator.ValidateNetwork.
        ["SetupInput"] = ["adminPassword", "wanInterface", "lanInterface", "lanAddress"],
        ["CreateTokenRequest"] = ["name"],
        ["ProtectionInput"] = [],
        ["SynFloodInput"] = [],
        ["IcmpLimitInput"] = [],
        ["PortScanInput"] = [],
    };

    /// <summary>Schemas where exactly one of two fields must be given (the pinhole's host).</summary>
    private static readonly Dictionary<string, string[]> ExactlyOneOf = new(StringComparer.Ordinal)
    {
        ["PinholeInput"] = ["hostSuffix", "mac"],
    };

    /// <summary>Whether <paramref name="schema"/> is a request schema, and the fields it must carry (see <see cref="Required"/>).</summary>
    public static bool TryGetRequired(string schema, out string[]? required) => Required.TryGetValue(RulesOf(schema), out required);

    /// <summary>The two fields of which exactly one must be given, or null.</summary>
    public static string[]? ExactlyOneOfFor(string schema) => ExactlyOneOf.TryGetValue(RulesOf(schema), out var fields) ? fields : null;

    public static FieldSpec? For(string schema, string property) =>
        BySchema.TryGetValue((RulesOf(schema), property), out var specific) ? specific
        : ByName.TryGetValue(property, out var general) ? general
        : null;

    /// <summary>
    /// A restore item (<c>ConfigPortForwardInput</c>) is read as its item input (<c>PortForwardInput</c>) plus <c>id</c>,
    /// so it follows the item input's rules; <c>id</c>, which only it has, is ruled by name.
    /// </summary>
    private static string RulesOf(string schema) => ConfigItemSchemaTransformer.InputSchemaOf(schema) ?? schema;
}

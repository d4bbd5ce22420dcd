using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Gateway.Web.Data;

/// <summary>The web's database: the desired state, the admin account and API tokens.</summary>
public sealed class GatewayDbContext(DbContextOptions<GatewayDbContext> options) : DbContext(options)
{
    public DbSet<NetworkSettingsEntity> Network => Set<NetworkSettingsEntity>();

    public DbSet<PortForwardEntity> PortForwards => Set<PortForwardEntity>();

    public DbSet<MacFilterEntity> MacFilters => Set<MacFilterEntity>();

    public DbSet<MacPolicyEntity> MacPolicy => Set<MacPolicyEntity>();

    public DbSet<LoggingPolicyEntity> Logging => Set<LoggingPolicyEntity>();

    public DbSet<RuleEntity> Rules => Set<RuleEntity>();

    public DbSet<ProtectionEntity> Protection => Set<ProtectionEntity>();

    public DbSet<OneToOneEntity> OneToOne => Set<OneToOneEntity>();

    public DbSet<RedirectEntity> Redirects => Set<RedirectEntity>();

    public DbSet<MirrorEntity> Mirrors => Set<MirrorEntity>();

    public DbSet<PolicyRouteEntity> PolicyRoutes => Set<PolicyRouteEntity>();

    public DbSet<PinholeEntity> Pinholes => Set<PinholeEntity>();

    public DbSet<HelperSettingsEntity> Helpers => Set<HelperSettingsEntity>();

    public DbSet<DhcpSettingsEntity> Dhcp => Set<DhcpSettingsEntity>();

    public DbSet<StaticLeaseEntity> StaticLeases => Set<StaticLeaseEntity>();

    public DbSet<DnsSettingsEntity> Dns => Set<DnsSettingsEntity>();

    public DbSet<UpnpSettingsEntity> Upnp => Set<UpnpSettingsEntity>();

    public DbSet<WanSettingsEntity> Wan => Set<WanSettingsEntity>();

    public DbSet<DeviceEntity> Devices => Set<DeviceEntity>();

    public DbSet<DeviceTrafficEntity> DeviceTraffic => Set<DeviceTrafficEntity>();

    public DbSet<AdminUserEntity> AdminUsers => Set<AdminUserEntity>();

    public DbSet<ApiTokenEntity> ApiTokens => Set<ApiTokenEntity>();

    public DbSet<RevisionEntity> Revision => Set<RevisionEntity>();

    /// <summary>Tables this context's commands have written (see <see cref="Data.WrittenTables"/>); bulk writes add theirs.</summary>
    internal HashSet<string> WrittenTables { get; } = new(StringComparer.Ordinal);

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(GatewayDbContext).Assembly);
}

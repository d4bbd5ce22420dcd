using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class NetworkSettingsConfiguration : IEntityTypeConfiguration<NetworkSettingsEntity>
{
    public void Configure(EntityTypeBuilder<NetworkSettingsEntity> builder)
    {
        builder.ToTable("NetworkSettings");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.WanInterface).HasMaxLength(16);
        builder.Property(e => e.LanInterface).HasMaxLength(16);
        builder.Property(e => e.LanAddress).HasMaxLength(18);
        builder.Property(e => e.LanIpv6).HasMaxLength(43);
    }
}

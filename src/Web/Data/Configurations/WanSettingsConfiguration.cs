using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class WanSettingsConfiguration : IEntityTypeConfiguration<WanSettingsEntity>
{
    public void Configure(EntityTypeBuilder<WanSettingsEntity> builder)
    {
        builder.ToTable("Wan");
        builder.Property(e => e.Id).ValueGeneratedNever();
        // Stored by name: a row stays readable whatever order the enum members take later.
        builder.Property(e => e.Mode).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Ipv6).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.Address).HasMaxLength(18);
        builder.Property(e => e.Gateway).HasMaxLength(15);
        // Unmanaged on an upgrade: the host's networking brings this router's uplink up today.
        builder.HasData(new WanSettingsEntity { Id = SingletonRow.Id });
    }
}

using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<DeviceEntity>
{
    public void Configure(EntityTypeBuilder<DeviceEntity> builder)
    {
        builder.ToTable("Devices");
        builder.HasKey(e => e.Mac);
        builder.Property(e => e.Mac).HasMaxLength(17);
        builder.Property(e => e.HostName).HasMaxLength(63);
        builder.Property(e => e.AgentEpoch).HasMaxLength(32);
    }
}

using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class DeviceTrafficConfiguration : IEntityTypeConfiguration<DeviceTrafficEntity>
{
    public void Configure(EntityTypeBuilder<DeviceTrafficEntity> builder)
    {
        builder.ToTable("DeviceTraffic");
        builder.HasKey(e => new { e.Mac, e.Bucket, e.Start });
        builder.Property(e => e.Mac).HasMaxLength(17);
        builder.Property(e => e.Bucket).HasMaxLength(4);
        builder.HasIndex(e => new { e.Bucket, e.Start });
    }
}

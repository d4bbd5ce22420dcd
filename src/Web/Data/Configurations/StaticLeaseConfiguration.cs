using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class StaticLeaseConfiguration : IEntityTypeConfiguration<StaticLeaseEntity>
{
    public void Configure(EntityTypeBuilder<StaticLeaseEntity> builder)
    {
        builder.ToTable("StaticLeases");
        builder.Property(e => e.Name).HasMaxLength(63);
        builder.Property(e => e.Mac).HasMaxLength(17);
        builder.Property(e => e.Address).HasMaxLength(15);
    }
}

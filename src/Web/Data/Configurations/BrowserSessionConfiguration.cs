using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class BrowserSessionConfiguration : IEntityTypeConfiguration<BrowserSessionEntity>
{
    public void Configure(EntityTypeBuilder<BrowserSessionEntity> builder)
    {
        builder.ToTable("BrowserSessions");
        builder.Property(e => e.Id).HasMaxLength(22);
        builder.HasIndex(e => e.LastSeenAt);
    }
}

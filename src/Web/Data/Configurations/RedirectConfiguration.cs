using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class RedirectConfiguration : IEntityTypeConfiguration<RedirectEntity>
{
    public void Configure(EntityTypeBuilder<RedirectEntity> builder)
    {
        builder.ToTable("Redirects");
        // AUTOINCREMENT (not plain rowid) so a deleted redirect's id, its conntrack mark, never comes back.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.InInterface).HasMaxLength(16);
        builder.Property(e => e.Protocol).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.Destination).HasMaxLength(18);
    }
}

using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class OneToOneConfiguration : IEntityTypeConfiguration<OneToOneEntity>
{
    public void Configure(EntityTypeBuilder<OneToOneEntity> builder)
    {
        builder.ToTable("OneToOne");
        // AUTOINCREMENT (not plain rowid) so a deleted entry's id, its conntrack mark, never comes back.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.ExternalAddress).HasMaxLength(15);
        builder.Property(e => e.InternalAddress).HasMaxLength(15);
    }
}

using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class RevisionConfiguration : IEntityTypeConfiguration<RevisionEntity>
{
    public void Configure(EntityTypeBuilder<RevisionEntity> builder)
    {
        builder.ToTable("Revision");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.HasData(new RevisionEntity { Id = SingletonRow.Id, DesiredRevision = 0 });
    }
}

using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class AdminUserConfiguration : IEntityTypeConfiguration<AdminUserEntity>
{
    public void Configure(EntityTypeBuilder<AdminUserEntity> builder)
    {
        builder.ToTable("AdminUsers");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.PasswordHash).HasMaxLength(256);
        builder.Property(e => e.SecurityStamp).HasMaxLength(64);
    }
}

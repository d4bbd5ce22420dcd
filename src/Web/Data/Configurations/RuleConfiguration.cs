using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class RuleConfiguration : IEntityTypeConfiguration<RuleEntity>
{
    public void Configure(EntityTypeBuilder<RuleEntity> builder)
    {
        builder.ToTable("Rules");
        // AUTOINCREMENT (not plain rowid) so a deleted rule's id, its counter's and log prefix's name, never comes back.
        builder.Property(e => e.Id).ValueGeneratedOnAdd().HasAnnotation("Sqlite:Autoincrement", true);
        builder.Property(e => e.Name).HasMaxLength(64);
        builder.Property(e => e.Chain).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.Family).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.InInterface).HasMaxLength(16);
        builder.Property(e => e.OutInterface).HasMaxLength(16);
        builder.Property(e => e.Protocol).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.Source).HasMaxLength(49);
        builder.Property(e => e.Destination).HasMaxLength(49);
        builder.Property(e => e.SourceMac).HasMaxLength(17);
        builder.Property(e => e.Action).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.RejectWith).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.LogLevel).HasConversion<string>().HasMaxLength(8);
        builder.Property(e => e.User).HasMaxLength(32);
        builder.Property(e => e.Group).HasMaxLength(32);
        builder.Property(e => e.QuotaMode).HasConversion<string>().HasMaxLength(8);
        builder.HasIndex(e => e.Position);
    }
}

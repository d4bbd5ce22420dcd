using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class DnsSettingsConfiguration : IEntityTypeConfiguration<DnsSettingsEntity>
{
    public void Configure(EntityTypeBuilder<DnsSettingsEntity> builder)
    {
        builder.ToTable("Dns");
        builder.Property(e => e.Id).ValueGeneratedNever();
        // Off on an upgrade for the same reason as DHCP: the LAN's hosts use some other resolver today.
        builder.HasData(new DnsSettingsEntity { Id = SingletonRow.Id, Enabled = false });
    }
}

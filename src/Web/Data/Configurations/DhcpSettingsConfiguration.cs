using Gateway.Web.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Gateway.Web.Data.Configurations;

internal sealed class DhcpSettingsConfiguration : IEntityTypeConfiguration<DhcpSettingsEntity>
{
    public void Configure(EntityTypeBuilder<DhcpSettingsEntity> builder)
    {
        builder.ToTable("Dhcp");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.RangeStart).HasMaxLength(15);
        builder.Property(e => e.RangeEnd).HasMaxLength(15);
        builder.Property(e => e.Domain).HasMaxLength(63);
        // Off on a router upgrading to this version: its LAN already has a DHCP server (it worked before the router
        // served one), and a second would hand out clashing addresses. Setup turns it on for a fresh router.
        builder.HasData(new DhcpSettingsEntity { Id = SingletonRow.Id, Enabled = false });
    }
}

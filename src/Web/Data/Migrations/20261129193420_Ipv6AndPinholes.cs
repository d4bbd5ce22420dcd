using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Ipv6AndPinholes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LanIpv6",
                table: "NetworkSettings",
                type: "TEXT",
                maxLength: 43,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Pinholes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    PortEnd = table.Column<int>(type: "INTEGER", nullable: true),
                    HostSuffix = table.Column<string>(type: "TEXT", maxLength: 39, nullable: true),
                    Mac = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    SourceCidr = table.Column<string>(type: "TEXT", maxLength: 43, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Pinholes", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Pinholes");

            migrationBuilder.DropColumn(
                name: "LanIpv6",
                table: "NetworkSettings");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class LanServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Dhcp",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    RangeStart = table.Column<string>(type: "TEXT", maxLength: 15, nullable: true),
                    RangeEnd = table.Column<string>(type: "TEXT", maxLength: 15, nullable: true),
                    LeaseSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Domain = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Dhcp", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Dns",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Upstream = table.Column<string>(type: "TEXT", nullable: false),
                    Hosts = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Dns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StaticLeases",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Mac = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StaticLeases", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "Dhcp",
                columns: new[] { "Id", "Domain", "Enabled", "LeaseSeconds", "RangeEnd", "RangeStart" },
                values: new object[] { 1, "lan", false, 43200, null, null });

            migrationBuilder.InsertData(
                table: "Dns",
                columns: new[] { "Id", "Enabled", "Hosts", "Upstream" },
                values: new object[] { 1, false, "[]", "[]" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Dhcp");

            migrationBuilder.DropTable(
                name: "Dns");

            migrationBuilder.DropTable(
                name: "StaticLeases");
        }
    }
}

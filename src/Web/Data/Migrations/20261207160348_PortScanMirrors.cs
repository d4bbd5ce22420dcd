using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortScanMirrors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "PortScanBlockSeconds",
                table: "Protection",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "PortScanEnabled",
                table: "Protection",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "PortScanPorts",
                table: "Protection",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "PortScanWithinSeconds",
                table: "Protection",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "Mirrors",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Interface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Direction = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 43, nullable: true),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 43, nullable: true),
                    ToInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Mirrors", x => x.Id);
                });

            migrationBuilder.UpdateData(
                table: "Protection",
                keyColumn: "Id",
                keyValue: 1,
                columns: new[] { "PortScanBlockSeconds", "PortScanEnabled", "PortScanPorts", "PortScanWithinSeconds" },
                values: new object[] { 600, false, 10, 10 });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Mirrors");

            migrationBuilder.DropColumn(
                name: "PortScanBlockSeconds",
                table: "Protection");

            migrationBuilder.DropColumn(
                name: "PortScanEnabled",
                table: "Protection");

            migrationBuilder.DropColumn(
                name: "PortScanPorts",
                table: "Protection");

            migrationBuilder.DropColumn(
                name: "PortScanWithinSeconds",
                table: "Protection");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortScan : Migration
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

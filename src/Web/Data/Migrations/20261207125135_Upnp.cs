using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Upnp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Upnp",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SecureMode = table.Column<bool>(type: "INTEGER", nullable: false),
                    AllowedPorts = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DeniedPorts = table.Column<string>(type: "TEXT", nullable: false),
                    LeaseSeconds = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Upnp", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "Upnp",
                columns: new[] { "Id", "AllowedPorts", "DeniedPorts", "Enabled", "LeaseSeconds", "SecureMode" },
                values: new object[] { 1, "1024-65535", "[21,23,135,\"137-139\",445,3389]", false, 86400, true });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Upnp");
        }
    }
}

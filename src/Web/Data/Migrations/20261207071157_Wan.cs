using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Wan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Wan",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    Gateway = table.Column<string>(type: "TEXT", maxLength: 15, nullable: true),
                    Dns = table.Column<string>(type: "TEXT", nullable: false),
                    Ipv6 = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PrefixHint = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Wan", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "Wan",
                columns: new[] { "Id", "Address", "Dns", "Gateway", "Ipv6", "Mode", "PrefixHint" },
                values: new object[] { 1, null, "[]", null, "Off", "Unmanaged", null });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Wan");
        }
    }
}

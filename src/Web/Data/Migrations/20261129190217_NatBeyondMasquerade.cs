using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class NatBeyondMasquerade : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Helper",
                table: "PortForwards",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            // Existing FTP forwards get the new column's spelling too, so the stored rows say one thing.
            // (Reads would cope without it: the entity treats FtpHelper = 1 with no Helper as ftp.)
            migrationBuilder.Sql("UPDATE \"PortForwards\" SET \"Helper\" = 'Ftp' WHERE \"FtpHelper\" = 1 AND \"Helper\" IS NULL;");

            migrationBuilder.CreateTable(
                name: "Helpers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Outbound = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Helpers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OneToOne",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ExternalAddress = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    InternalAddress = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    AddAddress = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OneToOne", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PolicyRoutes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    OutInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Gateway = table.Column<string>(type: "TEXT", maxLength: 15, nullable: true),
                    Masquerade = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PolicyRoutes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Redirects",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    InInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Port = table.Column<int>(type: "INTEGER", nullable: false),
                    PortEnd = table.Column<int>(type: "INTEGER", nullable: true),
                    ToPort = table.Column<int>(type: "INTEGER", nullable: false),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Redirects", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "Helpers",
                columns: new[] { "Id", "Outbound" },
                values: new object[] { 1, "" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Helpers");

            migrationBuilder.DropTable(
                name: "OneToOne");

            migrationBuilder.DropTable(
                name: "PolicyRoutes");

            migrationBuilder.DropTable(
                name: "Redirects");

            migrationBuilder.DropColumn(
                name: "Helper",
                table: "PortForwards");
        }
    }
}

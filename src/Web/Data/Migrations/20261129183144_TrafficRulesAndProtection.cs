using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrafficRulesAndProtection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Dos",
                table: "LoggingPolicy",
                type: "TEXT",
                maxLength: 8,
                nullable: false,
                // Not EF's "": an existing policy must read back as a log level, and dos logging starts off.
                defaultValue: "Off");

            migrationBuilder.CreateTable(
                name: "Protection",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    WanInput = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    WanPing = table.Column<bool>(type: "INTEGER", nullable: false),
                    SynFloodEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    SynFloodRatePerSecond = table.Column<int>(type: "INTEGER", nullable: false),
                    SynFloodBurst = table.Column<int>(type: "INTEGER", nullable: false),
                    SynFloodPerSource = table.Column<bool>(type: "INTEGER", nullable: false),
                    IcmpRatePerSecond = table.Column<int>(type: "INTEGER", nullable: false),
                    IcmpBurst = table.Column<int>(type: "INTEGER", nullable: false),
                    DropInvalid = table.Column<bool>(type: "INTEGER", nullable: false),
                    AntiSpoofing = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Protection", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Rules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Chain = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Family = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    InInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    OutInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 49, nullable: true),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 49, nullable: true),
                    DestinationPort = table.Column<int>(type: "INTEGER", nullable: true),
                    DestinationPortEnd = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceMac = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    RejectWith = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    LogLevel = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    LimitRatePerSecond = table.Column<int>(type: "INTEGER", nullable: true),
                    LimitBurst = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rules", x => x.Id);
                });

            migrationBuilder.UpdateData(
                table: "LoggingPolicy",
                keyColumn: "Id",
                keyValue: 1,
                column: "Dos",
                value: "Off");

            migrationBuilder.InsertData(
                table: "Protection",
                columns: new[] { "Id", "AntiSpoofing", "DropInvalid", "IcmpBurst", "IcmpRatePerSecond", "SynFloodBurst", "SynFloodEnabled", "SynFloodPerSource", "SynFloodRatePerSecond", "WanInput", "WanPing" },
                values: new object[] { 1, true, true, 20, 10, 50, true, true, 25, "Drop", false });

            migrationBuilder.CreateIndex(
                name: "IX_Rules_Position",
                table: "Rules",
                column: "Position");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Protection");

            migrationBuilder.DropTable(
                name: "Rules");

            migrationBuilder.DropColumn(
                name: "Dos",
                table: "LoggingPolicy");
        }
    }
}

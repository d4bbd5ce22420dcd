using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Devices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DeviceTraffic",
                columns: table => new
                {
                    Mac = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Bucket = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    Start = table.Column<long>(type: "INTEGER", nullable: false),
                    RxBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    TxBytes = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeviceTraffic", x => new { x.Mac, x.Bucket, x.Start });
                });

            migrationBuilder.CreateTable(
                name: "Devices",
                columns: table => new
                {
                    Mac = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    HostName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    FirstSeen = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastSeen = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    RxBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    TxBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    AgentEpoch = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    AgentRxBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    AgentTxBytes = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Devices", x => x.Mac);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeviceTraffic_Bucket_Start",
                table: "DeviceTraffic",
                columns: new[] { "Bucket", "Start" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeviceTraffic");

            migrationBuilder.DropTable(
                name: "Devices");
        }
    }
}

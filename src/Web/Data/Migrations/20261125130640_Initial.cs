using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AdminUsers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    PasswordChangedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AdminUsers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ApiTokens",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    LastUsedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LoggingPolicy",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    DroppedInput = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    DroppedForward = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    PortForwards = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    MacFilter = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    RatePerMinute = table.Column<int>(type: "INTEGER", nullable: false),
                    Burst = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggingPolicy", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MacFilters",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Mac = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MacFilters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MacPolicy",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MacPolicy", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "NetworkSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    WanInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LanInterface = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LanAddress = table.Column<string>(type: "TEXT", maxLength: 18, nullable: false),
                    Masquerade = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NetworkSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PortForwards",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    ExternalPort = table.Column<int>(type: "INTEGER", nullable: false),
                    ExternalPortEnd = table.Column<int>(type: "INTEGER", nullable: true),
                    InternalAddress = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    InternalPort = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceCidr = table.Column<string>(type: "TEXT", maxLength: 18, nullable: true),
                    Reflection = table.Column<bool>(type: "INTEGER", nullable: false),
                    FtpHelper = table.Column<bool>(type: "INTEGER", nullable: false),
                    LogLevel = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PortForwards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Revision",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    DesiredRevision = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Revision", x => x.Id);
                });

            migrationBuilder.InsertData(
                table: "LoggingPolicy",
                columns: new[] { "Id", "Burst", "DroppedForward", "DroppedInput", "MacFilter", "PortForwards", "RatePerMinute" },
                values: new object[] { 1, 10, "Off", "Off", "Off", "Off", 60 });

            migrationBuilder.InsertData(
                table: "MacPolicy",
                columns: new[] { "Id", "Mode" },
                values: new object[] { 1, "Off" });

            migrationBuilder.InsertData(
                table: "Revision",
                columns: new[] { "Id", "DesiredRevision" },
                values: new object[] { 1, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_ApiTokens_Hash",
                table: "ApiTokens",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MacFilters_Mac",
                table: "MacFilters",
                column: "Mac",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PortForwards_ExternalPort",
                table: "PortForwards",
                column: "ExternalPort");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AdminUsers");

            migrationBuilder.DropTable(
                name: "ApiTokens");

            migrationBuilder.DropTable(
                name: "LoggingPolicy");

            migrationBuilder.DropTable(
                name: "MacFilters");

            migrationBuilder.DropTable(
                name: "MacPolicy");

            migrationBuilder.DropTable(
                name: "NetworkSettings");

            migrationBuilder.DropTable(
                name: "PortForwards");

            migrationBuilder.DropTable(
                name: "Revision");
        }
    }
}

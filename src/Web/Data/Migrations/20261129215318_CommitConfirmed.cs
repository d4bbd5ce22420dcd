using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gateway.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CommitConfirmed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ConfirmRevision",
                table: "Revision",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ConfirmSeconds",
                table: "Revision",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.UpdateData(
                table: "Revision",
                keyColumn: "Id",
                keyValue: 1,
                columns: new[] { "ConfirmRevision", "ConfirmSeconds" },
                values: new object[] { null, null });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConfirmRevision",
                table: "Revision");

            migrationBuilder.DropColumn(
                name: "ConfirmSeconds",
                table: "Revision");
        }
    }
}

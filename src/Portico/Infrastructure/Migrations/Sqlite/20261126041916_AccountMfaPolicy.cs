using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccountMfaPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "RequireMfa",
                table: "Accounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RequireMfa",
                table: "Accounts");
        }
    }
}

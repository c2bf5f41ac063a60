using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QueueOrder : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsOpen",
                table: "Requests",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextDueAt",
                table: "Requests",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Existing requests get the values the entity now keeps in step.
            migrationBuilder.Sql("UPDATE \"Requests\" SET \"IsOpen\" = (\"Status\" NOT IN ('Resolved', 'Closed')), " +
                "\"NextDueAt\" = CASE WHEN \"FirstRespondedAt\" IS NULL THEN \"FirstResponseDueAt\" ELSE \"ResolutionDueAt\" END;");

            migrationBuilder.CreateIndex(
                name: "IX_Requests_Open_NextDueAt",
                table: "Requests",
                column: "NextDueAt",
                filter: "\"IsOpen\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Requests_Open_NextDueAt",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "IsOpen",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "NextDueAt",
                table: "Requests");
        }
    }
}

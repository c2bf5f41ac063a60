using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChangeFeeds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ChangeFeedCursor",
                table: "Integrations",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChangeFeedUrl",
                table: "Integrations",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextPollAt",
                table: "Integrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PollFailures",
                table: "Integrations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ChangeFeedCursor",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "ChangeFeedUrl",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "NextPollAt",
                table: "Integrations");

            migrationBuilder.DropColumn(
                name: "PollFailures",
                table: "Integrations");
        }
    }
}

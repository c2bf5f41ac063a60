using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Postgres
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
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ChangeFeedUrl",
                table: "Integrations",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextPollAt",
                table: "Integrations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PollFailures",
                table: "Integrations",
                type: "integer",
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

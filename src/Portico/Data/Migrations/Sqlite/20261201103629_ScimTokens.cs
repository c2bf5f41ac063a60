using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScimTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ScimTokenCreatedAt",
                table: "SingleSignOnProviders",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ScimTokenHash",
                table: "SingleSignOnProviders",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ScimPeople",
                columns: table => new
                {
                    ProviderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScimPeople", x => new { x.ProviderId, x.UserId });
                    table.ForeignKey(
                        name: "FK_ScimPeople_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ScimPeople_SingleSignOnProviders_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "SingleSignOnProviders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScimPeople_UserId",
                table: "ScimPeople",
                column: "UserId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScimPeople");

            migrationBuilder.DropColumn(
                name: "ScimTokenCreatedAt",
                table: "SingleSignOnProviders");

            migrationBuilder.DropColumn(
                name: "ScimTokenHash",
                table: "SingleSignOnProviders");
        }
    }
}

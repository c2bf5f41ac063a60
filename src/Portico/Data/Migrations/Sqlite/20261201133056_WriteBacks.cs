using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WriteBacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WriteBacks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    IntegrationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    DueBy = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AnsweredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WriteBacks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_WriteBacks_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_WriteBacks_Integrations_IntegrationId",
                        column: x => x.IntegrationId,
                        principalTable: "Integrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WriteBacks_AccountId_SentAt",
                table: "WriteBacks",
                columns: new[] { "AccountId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_WriteBacks_IntegrationId",
                table: "WriteBacks",
                column: "IntegrationId");

            migrationBuilder.CreateIndex(
                name: "IX_WriteBacks_State_DueBy",
                table: "WriteBacks",
                columns: new[] { "State", "DueBy" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WriteBacks");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SingleSignOnProviders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SingleSignOnProviders",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DiscoveryUrl = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ProtectedClientSecret = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    Scopes = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    DefaultRoleId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Required = table.Column<bool>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SingleSignOnProviders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SingleSignOnProviders_Roles_DefaultRoleId",
                        column: x => x.DefaultRoleId,
                        principalTable: "Roles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SingleSignOnAccount",
                columns: table => new
                {
                    ProviderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SingleSignOnAccount", x => new { x.ProviderId, x.AccountId });
                    table.ForeignKey(
                        name: "FK_SingleSignOnAccount_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SingleSignOnAccount_SingleSignOnProviders_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "SingleSignOnProviders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SingleSignOnDomains",
                columns: table => new
                {
                    Domain = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    ProviderId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SingleSignOnDomains", x => x.Domain);
                    table.ForeignKey(
                        name: "FK_SingleSignOnDomains_SingleSignOnProviders_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "SingleSignOnProviders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SingleSignOnGroupRole",
                columns: table => new
                {
                    ProviderId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Group = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RoleId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SingleSignOnGroupRole", x => new { x.ProviderId, x.Group });
                    table.ForeignKey(
                        name: "FK_SingleSignOnGroupRole_Roles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "Roles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SingleSignOnGroupRole_SingleSignOnProviders_ProviderId",
                        column: x => x.ProviderId,
                        principalTable: "SingleSignOnProviders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SingleSignOnAccount_AccountId",
                table: "SingleSignOnAccount",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_SingleSignOnDomains_ProviderId",
                table: "SingleSignOnDomains",
                column: "ProviderId");

            migrationBuilder.CreateIndex(
                name: "IX_SingleSignOnGroupRole_RoleId",
                table: "SingleSignOnGroupRole",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "IX_SingleSignOnProviders_DefaultRoleId",
                table: "SingleSignOnProviders",
                column: "DefaultRoleId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SingleSignOnAccount");

            migrationBuilder.DropTable(
                name: "SingleSignOnDomains");

            migrationBuilder.DropTable(
                name: "SingleSignOnGroupRole");

            migrationBuilder.DropTable(
                name: "SingleSignOnProviders");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Portico.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Approvals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "AccountManagerId",
                table: "Accounts",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressCity",
                table: "Accounts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressCountry",
                table: "Accounts",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressLines",
                table: "Accounts",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressPostalCode",
                table: "Accounts",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ApprovalRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    RoleName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Approver = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApprovalRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ChangeRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AccountId = table.Column<Guid>(type: "uuid", nullable: false),
                    Type = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Kind = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Summary = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Payload = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Approver = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    RequestedById = table.Column<Guid>(type: "uuid", nullable: false),
                    RequestedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    DecidedById = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedByName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    Version = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ChangeRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ChangeRequests_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "ApprovalRules",
                columns: new[] { "Id", "Approver", "Kind", "RoleName", "UpdatedAt" },
                values: new object[,]
                {
                    { new Guid("6f1d2c1e-8b1a-4c39-9a51-0a6e2f3b7c01"), "AccountManager", "role.grant", "Owner", new DateTime(2026, 11, 26, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { new Guid("6f1d2c1e-8b1a-4c39-9a51-0a6e2f3b7c02"), "AccountManager", "role.grant", "Billing", new DateTime(2026, 11, 26, 0, 0, 0, 0, DateTimeKind.Utc) },
                    { new Guid("6f1d2c1e-8b1a-4c39-9a51-0a6e2f3b7c03"), "AccountOwner", "account.address", "", new DateTime(2026, 11, 26, 0, 0, 0, 0, DateTimeKind.Utc) }
                });

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_AccountManagerId",
                table: "Accounts",
                column: "AccountManagerId");

            migrationBuilder.CreateIndex(
                name: "IX_ApprovalRules_Kind_RoleName",
                table: "ApprovalRules",
                columns: new[] { "Kind", "RoleName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChangeRequests_AccountId_Status_RequestedAt",
                table: "ChangeRequests",
                columns: new[] { "AccountId", "Status", "RequestedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ChangeRequests_Status_Approver_RequestedAt",
                table: "ChangeRequests",
                columns: new[] { "Status", "Approver", "RequestedAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_Accounts_AspNetUsers_AccountManagerId",
                table: "Accounts",
                column: "AccountManagerId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Accounts_AspNetUsers_AccountManagerId",
                table: "Accounts");

            migrationBuilder.DropTable(
                name: "ApprovalRules");

            migrationBuilder.DropTable(
                name: "ChangeRequests");

            migrationBuilder.DropIndex(
                name: "IX_Accounts_AccountManagerId",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "AccountManagerId",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "AddressCity",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "AddressCountry",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "AddressLines",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "AddressPostalCode",
                table: "Accounts");
        }
    }
}

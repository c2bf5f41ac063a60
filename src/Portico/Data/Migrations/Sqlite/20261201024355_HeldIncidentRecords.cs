using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HeldIncidentRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ExternalAccountId",
                table: "DataQualityIncidents",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HeldRecord",
                table: "DataQualityIncidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reason",
                table: "DataQualityIncidents",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Resolution",
                table: "DataQualityIncidents",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ResolvedById",
                table: "DataQualityIncidents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResolvedByName",
                table: "DataQualityIncidents",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_DataQualityIncidents_ResolvedAt_FirstSeenAt",
                table: "DataQualityIncidents",
                columns: new[] { "ResolvedAt", "FirstSeenAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DataQualityIncidents_ResolvedAt_FirstSeenAt",
                table: "DataQualityIncidents");

            migrationBuilder.DropColumn(
                name: "ExternalAccountId",
                table: "DataQualityIncidents");

            migrationBuilder.DropColumn(
                name: "HeldRecord",
                table: "DataQualityIncidents");

            migrationBuilder.DropColumn(
                name: "Reason",
                table: "DataQualityIncidents");

            migrationBuilder.DropColumn(
                name: "Resolution",
                table: "DataQualityIncidents");

            migrationBuilder.DropColumn(
                name: "ResolvedById",
                table: "DataQualityIncidents");

            migrationBuilder.DropColumn(
                name: "ResolvedByName",
                table: "DataQualityIncidents");
        }
    }
}

using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class StoredBranding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StoredBrands",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    PortalName = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    PrimaryColor = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    AccentColor = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    Logo_StorageKey = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Logo_Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Logo_ContentType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Logo_UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Favicon_StorageKey = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Favicon_Sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Favicon_ContentType = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Favicon_UploadedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SupportEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SupportPhone = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true),
                    FooterLinks = table.Column<string>(type: "text", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StoredBrands", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StoredBrands");
        }
    }
}

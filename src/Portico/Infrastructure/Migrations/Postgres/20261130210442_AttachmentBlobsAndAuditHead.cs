using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AttachmentBlobsAndAuditHead : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "Content",
                table: "RequestAttachments",
                type: "bytea",
                nullable: true,
                oldClrType: typeof(byte[]),
                oldType: "bytea");

            migrationBuilder.AddColumn<string>(
                name: "Sha256",
                table: "RequestAttachments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StorageKey",
                table: "RequestAttachments",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Hash",
                table: "AuditChainHeads",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Sequence",
                table: "AuditChainHeads",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.UpdateData(
                table: "AuditChainHeads",
                keyColumn: "Id",
                keyValue: 1,
                columns: new[] { "Hash", "Sequence" },
                values: new object[] { "", 0L });

            migrationBuilder.CreateIndex(
                name: "IX_RequestAttachments_StorageKey",
                table: "RequestAttachments",
                column: "StorageKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_RequestAttachments_StorageKey",
                table: "RequestAttachments");

            migrationBuilder.DropColumn(
                name: "Sha256",
                table: "RequestAttachments");

            migrationBuilder.DropColumn(
                name: "StorageKey",
                table: "RequestAttachments");

            migrationBuilder.DropColumn(
                name: "Hash",
                table: "AuditChainHeads");

            migrationBuilder.DropColumn(
                name: "Sequence",
                table: "AuditChainHeads");

            migrationBuilder.AlterColumn<byte[]>(
                name: "Content",
                table: "RequestAttachments",
                type: "bytea",
                nullable: false,
                defaultValue: new byte[0],
                oldClrType: typeof(byte[]),
                oldType: "bytea",
                oldNullable: true);
        }
    }
}

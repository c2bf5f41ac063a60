using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portico.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InsightRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MonthlyFigures",
                columns: table => new
                {
                    Metric = table.Column<int>(type: "INTEGER", nullable: false),
                    Month = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Detail = table.Column<int>(type: "INTEGER", nullable: false),
                    Channel = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    Total = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstDay = table.Column<DateOnly>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlyFigures", x => new { x.Month, x.AccountId, x.Metric, x.ItemId, x.Detail, x.Channel });
                });

            // The months of the history kept so far, from its daily figures (ADR 0024).
            migrationBuilder.Sql(@"INSERT INTO ""MonthlyFigures"" (""Month"", ""AccountId"", ""Metric"", ""ItemId"", ""Detail"", ""Channel"", ""Count"", ""Total"", ""FirstDay"")
                SELECT date(""Day"", 'start of month'), ""AccountId"", ""Metric"", ""ItemId"", ""Detail"", ""Channel"", SUM(""Count""), SUM(""Total""), MIN(""Day"")
                FROM ""DailyFigures""
                GROUP BY date(""Day"", 'start of month'), ""AccountId"", ""Metric"", ""ItemId"", ""Detail"", ""Channel""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MonthlyFigures");
        }
    }
}

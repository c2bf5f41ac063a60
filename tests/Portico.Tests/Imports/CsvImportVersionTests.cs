using Portico.Features.Imports;

namespace Portico.Tests.Imports;

/// The optional version and updatedAt columns order imported rows against what is stored, as the integration API does.
/// Which integration owns invoices is global, so this class is in the app collection and gives invoices back afterwards.
public sealed class CsvImportVersionTests(PorticoApp app) : AppTests
{
    private const string Header = "externalId,externalAccountId,number,currency,issuedOn,dueOn,status,total,version,updatedAt";

    private static async Task<IHtmlDocument> ImportAsync(PorticoClient client, string csv, string action = "import")
    {
        var page = await client.GetPageAsync("/staff/import");
        var response = await client.PostMultipartAsync("/staff/import", page, [new("Kind", "invoices"), new("action", action)],
            [("file", "invoices.csv", Encoding.UTF8.GetBytes(csv))]);
        return await PorticoClient.ParseAsync(response);
    }

    private static string Row(string id, string account, string number, string version, string updatedAt = "") =>
        $"{id},{account},{number},EUR,2026-01-01,2026-02-01,open,10,{version},{updatedAt}";

    /// Runs the test with the CSV import integration owning invoices, and the previous owner restored after.
    private async Task AsCsvOwnerAsync(Func<Task> test)
    {
        var previous = await app.WithDbAsync((db, _) => db.SystemsOfRecord.Where(s => s.ObjectType == SyncedObjectTypes.Invoices).Select(s => (Guid?)s.IntegrationId).SingleOrDefaultAsync());
        var csv = await app.WithDbAsync(async (db, _) =>
        {
            if (await db.Integrations.SingleOrDefaultAsync(i => i.Name == CsvImport.IntegrationName) is not { } found)
            {
                found = new Integration(CsvImport.IntegrationName, 60 * 24 * 31, DateTime.UtcNow);
                db.Integrations.Add(found);
                await db.SaveChangesAsync();
            }
            return found;
        });
        await app.SetOwnerAsync(SyncedObjectTypes.Invoices, csv.Id);
        try
        {
            await test();
        }
        finally
        {
            await app.WithDbAsync(db => db.SystemsOfRecord.Where(s => s.ObjectType == SyncedObjectTypes.Invoices).ExecuteDeleteAsync());
            if (previous is { } owner)
            {
                await app.SetOwnerAsync(SyncedObjectTypes.Invoices, owner);
            }
        }
    }

    private Task<Invoice> StoredAsync(string externalId) =>
        app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AsNoTracking().SingleAsync(i => i.ExternalId == externalId));

    [Fact]
    public Task A_row_older_than_the_stored_invoice_is_reported_stale_and_not_applied_while_the_rest_of_the_file_is() => AsCsvOwnerAsync(async () =>
    {
        var account = (await app.CreateMappedAccountAsync()).ExternalId!;
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var (kept, added, byTime) = (NewExternalId("CSV"), NewExternalId("CSV"), NewExternalId("CSV"));
        await ImportAsync(client, $"{Header}\n{Row(kept, account, "N-2", "2")}\n{Row(byTime, account, "T-2", "", "2026-11-30T10:00:00Z")}\n");

        var page = await ImportAsync(client, $"{Header}\n{Row(kept, account, "N-1", "1")}\n{Row(added, account, "A-1", "1")}\n{Row(byTime, account, "T-1", "", "2026-11-30T09:00:00+00:00")}\n");

        Assert.Contains("1 new, 0 changed, 0 unchanged, 2 stale", page.QuerySelector("[data-testid=import-summary]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("Imported", page.QuerySelector("#report-heading")!.TextContent.Trim());
        var staleRow = page.QuerySelectorAll("[data-testid=import-row]").Single(r => r.Children[1].TextContent == kept);
        Assert.Equal("stale", staleRow.Children[2].TextContent);
        Assert.Contains("version 2", staleRow.Children[3].TextContent, StringComparison.Ordinal);
        Assert.Equal(("N-2", 2L), ((await StoredAsync(kept)).Number, (await StoredAsync(kept)).SourceVersion!.Value));
        Assert.Equal("T-2", (await StoredAsync(byTime)).Number);
        Assert.Equal(1L, (await StoredAsync(added)).SourceVersion);
    });

    [Fact]
    public Task A_version_that_is_not_a_whole_number_or_a_change_time_without_a_zone_refuses_the_file_and_nothing_is_written() => AsCsvOwnerAsync(async () =>
    {
        var account = (await app.CreateMappedAccountAsync()).ExternalId!;
        using var client = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var (good, badVersion, badTime) = (NewExternalId("CSV"), NewExternalId("CSV"), NewExternalId("CSV"));

        var page = await ImportAsync(client, $"{Header}\n{Row(good, account, "G-1", "1")}\n{Row(badVersion, account, "B-1", "-1")}\n{Row(badTime, account, "B-2", "", "2026-11-30T09:00:00")}\n");

        Assert.Contains("2 with errors", page.QuerySelector("[data-testid=import-summary]")!.TextContent, StringComparison.Ordinal);
        var problems = string.Join("\n", page.QuerySelectorAll("[data-testid=import-row]").Select(r => r.TextContent));
        Assert.Contains("version must be a whole number", problems, StringComparison.Ordinal);
        Assert.Contains("updatedAt must be a date and time with a time zone", problems, StringComparison.Ordinal);
        Assert.False(await app.WithDbAsync((db, _) => db.Invoices.IgnoreQueryFilters().AnyAsync(i => i.ExternalId == good || i.ExternalId == badVersion || i.ExternalId == badTime)));
    });
}

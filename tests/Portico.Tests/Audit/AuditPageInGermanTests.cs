namespace Portico.Tests.Audit;

[Collection(AppCollection.Name)]
public sealed class AuditPageInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_account_audit_log_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = await app.SignInAsync(owner);

        await client.AssertGermanAndEnglishAsync($"/a/{account.Id}/audit",
            (InGerman.Headings, "Protokoll", "Audit log"),
            (InGerman.TableHeaders, "Wer", "Who"));
        var german = await client.GetPageInAsync($"/a/{account.Id}/audit", "de");
        Assert.Equal("Protokolleinträge (seitlich scrollbar)", german.QuerySelector("main [role=region]")?.GetAttribute("aria-label"));
    }
}

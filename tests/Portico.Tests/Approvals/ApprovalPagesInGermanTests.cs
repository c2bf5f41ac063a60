namespace Portico.Tests.Approvals;

[Collection(AppCollection.Name)]
public sealed class ApprovalPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task A_change_waiting_for_approval_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        var (account, owner, person) = await app.AccountWithViewerAsync();
        using var client = await app.SignInAsync(owner);
        ApprovalSteps.Redirected(await client.ChangeRoleAsync(account.Id, person.Id, await app.RoleIdAsync(BuiltInRoles.Billing)));

        await client.AssertGermanAndEnglishAsync($"/a/{account.Id}/approvals",
            (InGerman.Headings, "Genehmigungen", "Approvals"),
            (InGerman.Headings, "Wartet auf Entscheidung", "Waiting for a decision"),
            (InGerman.Buttons, "Zurückziehen", "Withdraw"));
        var german = await client.GetPageInAsync($"/a/{account.Id}/approvals", "de");
        Assert.Contains("Genehmigt durch: Die Kundenbetreuung", german.QuerySelector("[data-testid=pending-change]")!.TextContent, StringComparison.Ordinal);
    }
}

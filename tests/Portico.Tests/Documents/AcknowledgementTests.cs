namespace Portico.Tests.Documents;

public sealed class AcknowledgementTests(PorticoApp app) : AppTests
{
    private sealed record Setup(Account Account, PorticoUser Owner, PorticoUser BillingMember, PorticoUser Admin, DocumentFolder Folder, Document Document);

    private async Task<Setup> DocumentAskingOwnersAsync()
    {
        var (account, owner, billingMember, admin) = await app.AccountWithOwnerAndBillingMemberAsync();
        var folder = await app.CreateFolderAsync(account, "Policies " + PorticoApp.Unique());
        var (document, _) = await app.CreateDocumentAsync(folder, admin, "Data processing agreement " + PorticoApp.Unique() + ".txt", Text("Terms, version one"));

        using var staff = await app.SignInAsync(admin);
        var staffPage = await staff.GetPageAsync($"/staff/documents/{document.Id}");
        var response = await staff.PostFormAsync($"/staff/documents/{document.Id}?handler=Acknowledgement", staffPage,
            new Dictionary<string, string> { ["roles"] = BuiltInRoles.Owner });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/staff/documents/{document.Id}", response.Headers.Location!.OriginalString);
        return new Setup(account, owner, billingMember, admin, folder, document);
    }

    private static string Acknowledge(Setup s) => $"{DocumentsPath(s.Account.Id)}/{s.Document.Id}?handler=Acknowledge";

    [Fact]
    public async Task Staff_ask_owners_to_acknowledge_an_owner_does_and_staff_see_when()
    {
        var s = await DocumentAskingOwnersAsync();
        var roles = await app.WithDbAsync((db, _) => db.Documents.Where(d => d.Id == s.Document.Id).Select(d => d.AcknowledgementRoles).SingleAsync());
        Assert.Equal([BuiltInRoles.Owner], roles);
        Assert.Contains(await app.AuditOfAsync(s.Document.Id), e => e.Action == AuditActions.DocumentAcknowledgementRequired && e.ActorUserId == s.Admin.Id);

        // Staff see who is asked, and that nobody has acknowledged yet; the Billing member is not asked.
        using var staff = await app.SignInAsync(s.Admin);
        var before = await staff.GetPageAsync($"/staff/documents/{s.Document.Id}");
        var row = Assert.Single(before.QuerySelectorAll("[data-testid=acknowledgement]"));
        Assert.Contains(s.Owner.Email!, row.TextContent, StringComparison.Ordinal);
        Assert.Contains("Not yet", row.TextContent, StringComparison.Ordinal);
        Assert.True(before.QuerySelector($"input[name=roles][value={BuiltInRoles.Owner}]")!.HasAttribute("checked"));

        // The owner is asked on the documents page and on the document.
        using var client = await app.SignInAsync(s.Owner);
        var index = await client.GetPageAsync(DocumentsPath(s.Account.Id));
        Assert.Equal("Please read and acknowledge", index.QuerySelector("#ack-heading")!.TextContent);
        var asked = Assert.Single(index.QuerySelectorAll("[data-testid=to-acknowledge]"));
        Assert.Equal(s.Document.Name, asked.TextContent.Trim());
        Assert.Equal($"{DocumentsPath(s.Account.Id)}/{s.Document.Id}", asked.QuerySelector("a")!.GetAttribute("href"));
        var detail = await client.GetPageAsync($"{DocumentsPath(s.Account.Id)}/{s.Document.Id}");
        Assert.NotNull(detail.QuerySelector("form[action*='handler=Acknowledge'] button"));
        Assert.Null(detail.QuerySelector("[data-testid=acknowledged]"));

        var acknowledged = await client.PostFormAsync(Acknowledge(s), detail, new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, acknowledged.StatusCode);

        var stored = await app.WithDbAsync((db, _) => db.DocumentAcknowledgements.SingleAsync(a => a.DocumentId == s.Document.Id));
        Assert.Equal(s.Owner.Id, stored.UserId);
        Assert.Equal(s.Document.CurrentVersionId, stored.VersionId);
        var after = await client.GetPageAsync($"{DocumentsPath(s.Account.Id)}/{s.Document.Id}");
        Assert.Contains("You acknowledged version 1 on", after.QuerySelector("[data-testid=acknowledged]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(after.QuerySelector("form[action*='handler=Acknowledge']"));
        var indexAfter = await client.GetPageAsync(DocumentsPath(s.Account.Id));
        Assert.Empty(indexAfter.QuerySelectorAll("[data-testid=to-acknowledge]"));
        Assert.Null(indexAfter.QuerySelector("#ack-heading"));

        // Acknowledging twice changes nothing.
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync(Acknowledge(s), after, new Dictionary<string, string>())).StatusCode);
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.DocumentAcknowledgements.CountAsync(a => a.DocumentId == s.Document.Id)));

        var staffAfter = await staff.GetPageAsync($"/staff/documents/{s.Document.Id}");
        var done = Assert.Single(staffAfter.QuerySelectorAll("[data-testid=acknowledgement]"));
        Assert.Contains(stored.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), done.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Not yet", done.TextContent, StringComparison.Ordinal);
        var trail = staffAfter.QuerySelectorAll("[data-testid=audit-event]").Select(e => e.TextContent).ToList();
        Assert.Single(trail, e => e.Contains(AuditActions.DocumentAcknowledged, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_role_that_was_not_asked_is_refused_clearly()
    {
        var s = await DocumentAskingOwnersAsync();
        using var client = await app.SignInAsync(s.BillingMember);

        var index = await client.GetPageAsync(DocumentsPath(s.Account.Id));
        Assert.Empty(index.QuerySelectorAll("[data-testid=to-acknowledge]"));
        var detail = await client.GetPageAsync($"{DocumentsPath(s.Account.Id)}/{s.Document.Id}");
        Assert.Null(detail.QuerySelector("form[action*='handler=Acknowledge']"));

        var response = await client.PostFormAsync(Acknowledge(s), detail, new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("This document does not ask your role for an acknowledgement.", await PageErrorAsync(response));
        Assert.False(await app.WithDbAsync((db, _) => db.DocumentAcknowledgements.AnyAsync(a => a.DocumentId == s.Document.Id)));
        Assert.DoesNotContain(await app.AuditOfAsync(s.Document.Id), e => e.Action == AuditActions.DocumentAcknowledged);
    }

    [Fact]
    public async Task A_new_version_asks_for_acknowledgement_again()
    {
        var s = await DocumentAskingOwnersAsync();
        using var client = await app.SignInAsync(s.Owner);
        var detail = await client.GetPageAsync($"{DocumentsPath(s.Account.Id)}/{s.Document.Id}");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync(Acknowledge(s), detail, new Dictionary<string, string>())).StatusCode);

        // Staff share version 2 under the same name.
        using var staff = await app.SignInAsync(s.Admin);
        var staffPage = await staff.GetPageAsync($"/staff/accounts/{s.Account.Id}/documents");
        var upload = await staff.PostMultipartAsync($"/staff/accounts/{s.Account.Id}/documents?handler=Upload", staffPage,
            [new("folderId", s.Folder.Id.ToString())], [("file", s.Document.Name, Text("Terms, version two"))]);
        Assert.Equal(HttpStatusCode.Redirect, upload.StatusCode);

        var index = await client.GetPageAsync(DocumentsPath(s.Account.Id));
        Assert.Equal(s.Document.Name, Assert.Single(index.QuerySelectorAll("[data-testid=to-acknowledge]")).TextContent.Trim());
        var staffDocument = await staff.GetPageAsync($"/staff/documents/{s.Document.Id}");
        Assert.Contains("Not yet", Assert.Single(staffDocument.QuerySelectorAll("[data-testid=acknowledgement]")).TextContent, StringComparison.Ordinal);
    }
}

namespace Portico.Tests.Documents;

public sealed class DocumentRequestTests(PorticoApp app) : AppTests
{
    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string StaffPath(Guid accountId) => $"/staff/accounts/{accountId}/documents";

    private static async Task<HttpResponseMessage> AskAsync(PorticoClient staff, Guid accountId, Guid folderId, string title, string description, DateOnly dueOn)
    {
        var page = await staff.GetPageAsync(StaffPath(accountId));
        return await staff.PostFormAsync($"{StaffPath(accountId)}?handler=Request", page, new Dictionary<string, string>
        {
            ["folderId"] = folderId.ToString(),
            ["title"] = title,
            ["description"] = description,
            ["dueOn"] = Iso(dueOn),
        });
    }

    private static async Task<HttpResponseMessage> FulfilAsync(PorticoClient client, Guid accountId, Guid requestId, Guid folderId, string fileName, byte[] content)
    {
        var page = await client.GetPageAsync(DocumentsPath(accountId));
        return await client.PostMultipartAsync($"{DocumentsPath(accountId)}?handler=Fulfil", page,
            [new("requestId", requestId.ToString()), new("folderId", folderId.ToString())], [("file", fileName, content)]);
    }

    private Task<DocumentRequest> RequestAsync(Guid accountId, string title) =>
        app.WithDbAsync((db, _) => db.DocumentRequests.AsNoTracking().SingleAsync(r => r.AccountId == accountId && r.Title == title));

    [Fact]
    public async Task Staff_ask_for_a_document_uploaders_are_emailed_and_a_customer_fulfils_it_by_uploading()
    {
        var (account, owner, billingMember, admin) = await app.AccountWithOwnerAndBillingMemberAsync();
        var folder = await app.CreateFolderAsync(account, "Contracts " + PorticoApp.Unique(),
            viewRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing], uploadRoles: [BuiltInRoles.Owner]);
        var title = "Signed service agreement " + PorticoApp.Unique();
        var due = Today.AddDays(7);
        using var staff = await app.SignInAsync(admin);

        var asked = await AskAsync(staff, account.Id, folder.Id, title, "Please sign page 4 as well.", due);

        Assert.Equal(HttpStatusCode.Redirect, asked.StatusCode);
        var request = await RequestAsync(account.Id, title);
        Assert.Equal(folder.Id, request.FolderId);
        Assert.Equal(due, request.DueOn);
        Assert.Equal(admin.DisplayName, request.RequestedByName);
        Assert.Null(request.FulfilledAt);
        var email = await app.WaitForEmailAsync(owner.Email!, m => m.IsAbout(title));
        Assert.StartsWith($"Please upload: {title} (due ", email.Subject, StringComparison.Ordinal);
        Assert.Contains("Please sign page 4 as well.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains(Iso(due), email.TextBody, StringComparison.Ordinal);
        Assert.Contains(DocumentsPath(account.Id), email.TextBody, StringComparison.Ordinal);
        // The Billing member sees the folder but may not upload there, so is not asked.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(app.EmailsTo(billingMember.Email!), m => m.IsAbout(title));

        var staffPage = await staff.GetPageAsync(StaffPath(account.Id));
        var waiting = staffPage.QuerySelectorAll("[data-testid=staff-document-request]").Single(r => r.TextContent.Contains(title, StringComparison.Ordinal));
        Assert.Contains("Waiting", waiting.TextContent, StringComparison.Ordinal);

        // The owner sees it under "Asked of you", with a form to upload; the Billing member sees it without one.
        using var client = await app.SignInAsync(owner);
        var index = await client.GetPageAsync(DocumentsPath(account.Id));
        Assert.Equal("Asked of you", index.QuerySelector("#asked-heading")!.TextContent);
        var item = Assert.Single(index.QuerySelectorAll("[data-testid=document-request]"));
        Assert.Contains(title, item.TextContent, StringComparison.Ordinal);
        Assert.Contains(Iso(due), item.TextContent, StringComparison.Ordinal);
        Assert.NotNull(item.QuerySelector("input[type=file][name=file]"));
        using (var billingClient = await app.SignInAsync(billingMember))
        {
            var billingIndex = await billingClient.GetPageAsync(DocumentsPath(account.Id));
            Assert.Null(Assert.Single(billingIndex.QuerySelectorAll("[data-testid=document-request]")).QuerySelector("input[type=file]"));
        }

        var content = Text("%PDF-1.7\nsigned by both parties " + PorticoApp.Unique());
        var fulfilled = await FulfilAsync(client, account.Id, request.Id, folder.Id, "agreement-signed.pdf", content);

        Assert.Equal(HttpStatusCode.Redirect, fulfilled.StatusCode);
        Assert.Equal($"{DocumentsPath(account.Id)}?done=true", fulfilled.Headers.Location!.OriginalString);
        var done = await RequestAsync(account.Id, title);
        Assert.NotNull(done.FulfilledAt);
        Assert.Equal(owner.DisplayName, done.FulfilledByName);
        var document = Assert.Single(await app.DocumentsInAsync(folder.Id));
        Assert.Equal(document.Id, done.DocumentId);
        Assert.Equal("agreement-signed.pdf", document.Name);
        Assert.Equal(Sha256(content), Assert.Single(await app.VersionsOfAsync(document.Id)).Sha256);
        Assert.True(await app.WithDbAsync((db, _) => db.AuditEvents.AnyAsync(e => e.Action == AuditActions.DocumentRequestFulfilled && e.TargetId == request.Id.ToString())));
        var thanks = await client.GetPageAsync($"{DocumentsPath(account.Id)}?done=true");
        Assert.Equal("Thank you, the file was uploaded.", thanks.QuerySelector("[role=status]")!.TextContent);
        Assert.Empty(thanks.QuerySelectorAll("[data-testid=document-request]"));

        // Staff see it received and are emailed.
        var staffAfter = await staff.GetPageAsync(StaffPath(account.Id));
        var received = staffAfter.QuerySelectorAll("[data-testid=staff-document-request]").Single(r => r.TextContent.Contains(title, StringComparison.Ordinal));
        Assert.Contains($"Received {done.FulfilledAt!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} from {owner.DisplayName}", received.TextContent, StringComparison.Ordinal);
        Assert.Equal($"/staff/documents/{document.Id}", received.QuerySelector("a")!.GetAttribute("href"));
        var staffEmail = await app.WaitForEmailAsync(admin.Email!, m => m.Subject == $"Document received: {title}");
        Assert.Contains("agreement-signed.pdf", staffEmail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"/staff/documents/{document.Id}", staffEmail.TextBody, StringComparison.Ordinal);

        // A fulfilled request cannot be fulfilled again.
        var again = await FulfilAsync(client, account.Id, request.Id, folder.Id, "another.pdf", content);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        Assert.Equal("That document request was already fulfilled.", await PageErrorAsync(again));
        Assert.Single(await app.DocumentsInAsync(folder.Id));
    }

    [Fact]
    public async Task Only_members_who_may_upload_to_the_folder_are_asked()
    {
        var (account, owner, billingMember, requester, admin) = await app.AccountWithOwnerBillingMemberAndRequesterAsync();
        // Requesters are listed as uploaders but cannot see the folder, so cannot upload to it.
        var folder = await app.CreateFolderAsync(account, "Board papers " + PorticoApp.Unique(),
            viewRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing], uploadRoles: [BuiltInRoles.Owner, BuiltInRoles.Requester]);
        var title = "Board minutes " + PorticoApp.Unique();
        using var staff = await app.SignInAsync(admin);

        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(staff, account.Id, folder.Id, title, "", Today.AddDays(3))).StatusCode);

        await app.WaitForEmailAsync(owner.Email!, m => m.IsAbout(title));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(app.EmailsTo(requester.Email!), m => m.IsAbout(title));
        Assert.DoesNotContain(app.EmailsTo(billingMember.Email!), m => m.IsAbout(title));
        using var client = await app.SignInAsync(requester);
        Assert.Empty((await client.GetPageAsync(DocumentsPath(account.Id))).QuerySelectorAll("[data-testid=document-request]"));
    }

    [Fact]
    public async Task A_due_date_in_the_past_is_refused()
    {
        var (account, _) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var staff = await app.SignInAsync(admin);

        var response = await AskAsync(staff, account.Id, folder.Id, "Last year's accounts", "", Today.AddDays(-1));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Give a due date that is today or later.", await PageErrorAsync(response));
        Assert.False(await app.WithDbAsync((db, _) => db.DocumentRequests.AnyAsync(r => r.AccountId == account.Id)));
    }

    [Fact]
    public async Task An_overdue_request_is_reminded_once_per_interval()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await app.CreateFolderAsync(account);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var title = "Insurance certificate " + PorticoApp.Unique();
        using var staff = await app.SignInAsync(admin);
        Assert.Equal(HttpStatusCode.Redirect, (await AskAsync(staff, account.Id, folder.Id, title, "", Today)).StatusCode);
        await app.WaitForEmailAsync(owner.Email!, m => (m.Subject ?? "").StartsWith("Please upload: " + title, StringComparison.Ordinal));
        var request = await RequestAsync(account.Id, title);
        var wasDue = Today.AddDays(-3);
        await app.WithDbAsync(db => db.DocumentRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.DueOn, wasDue)));
        var reminders = app.Services.GetRequiredService<DocumentReminders>();

        var sent = await reminders.RemindAsync(CancellationToken.None);

        Assert.True(sent >= 1, $"Reminded {sent}.");
        var reminder = await app.WaitForEmailAsync(owner.Email!, m => (m.Subject ?? "").StartsWith("Overdue: " + title, StringComparison.Ordinal));
        Assert.Contains($"was due on {Iso(wasDue)}", reminder.TextBody, StringComparison.Ordinal);
        Assert.Contains(DocumentsPath(account.Id), reminder.TextBody, StringComparison.Ordinal);
        var remindedAt = (await RequestAsync(account.Id, title)).LastRemindedAt;
        Assert.NotNull(remindedAt);

        await reminders.RemindAsync(CancellationToken.None);

        Assert.Equal(remindedAt, (await RequestAsync(account.Id, title)).LastRemindedAt);
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Single(app.EmailsTo(owner.Email!), m => (m.Subject ?? "").StartsWith("Overdue: " + title, StringComparison.Ordinal));

        // The customer sees it as overdue.
        using var client = await app.SignInAsync(owner);
        var index = await client.GetPageAsync(DocumentsPath(account.Id));
        Assert.Contains("(overdue)", Assert.Single(index.QuerySelectorAll("[data-testid=document-request]")).TextContent, StringComparison.Ordinal);
    }
}

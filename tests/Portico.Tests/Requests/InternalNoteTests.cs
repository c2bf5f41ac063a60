namespace Portico.Tests.Requests;

/// Internal notes are for staff only, everywhere a customer could look.
public sealed class InternalNoteTests(PorticoApp app) : AppTests
{
    [Fact]
    public async Task An_internal_note_and_its_file_never_reach_the_customer_but_staff_see_them()
    {
        var (agent, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(role: BuiltInRoles.Owner);
        using var customer = await app.SignInAsync(user);
        using var staff = await app.SignInAsync(agent);
        var subjectWord = "Subjectword" + PorticoApp.Unique();
        var id = await customer.SubmitAsync(account.Id, type.Id, $"VPN drops {subjectWord}");
        var note = "Notemarker" + PorticoApp.Unique();
        var fileName = $"internal-{PorticoApp.Unique()}.txt";
        var fileContent = Encoding.UTF8.GetBytes("Customer is on the old firmware " + note);

        var response = await staff.StaffPostAsync(id, "Reply", [Field("kind", "note"), Field("Body", $"Probably their firewall. {note}")],
            [("files", fileName, fileContent)]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = await app.WithDbAsync((db, _) => db.RequestMessages.AsNoTracking().SingleAsync(m => m.RequestId == id));
        Assert.True(stored.IsInternal);
        Assert.True(stored.FromStaff);
        var attachmentId = await app.WithDbAsync((db, _) => db.RequestAttachments.Where(a => a.MessageId == stored.Id).Select(a => a.Id).SingleAsync());

        // Staff see the note and can open its file.
        var staffPage = await staff.GetPageAsync(StaffPath(id));
        Assert.Contains(note, staffPage.QuerySelector("[data-testid=internal-note]")!.TextContent, StringComparison.Ordinal);
        var staffFile = await staff.Http.GetAsync(new Uri($"{StaffPath(id)}/files/{attachmentId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, staffFile.StatusCode);
        Assert.Equal(fileContent, await staffFile.Content.ReadAsByteArrayAsync());
        var staffSearch = await staff.GetPageAsync($"/staff/requests?status=all&account={account.Id}&q={note}");
        Assert.Contains(id, LinkedRequestIds(staffSearch, "[data-testid=queue-row]", "/staff/requests/"));

        // The customer page shows no trace of it.
        var customerPage = await customer.Http.GetStringAsync(new Uri(CustomerPath(account.Id, id), UriKind.Relative));
        Assert.DoesNotContain(note, customerPage, StringComparison.Ordinal);
        Assert.DoesNotContain(fileName, customerPage, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-note", customerPage, StringComparison.Ordinal);

        // Nor does the API.
        var apiText = await customer.Http.GetStringAsync(new Uri($"/api/accounts/{account.Id}/requests/{id}", UriKind.Relative));
        Assert.DoesNotContain(note, apiText, StringComparison.Ordinal);
        Assert.DoesNotContain(fileName, apiText, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(apiText).RootElement.GetProperty("messages").GetArrayLength());

        // Searching for its words finds nothing, though searching the subject finds the request.
        var found = await customer.GetPageAsync($"/a/{account.Id}/requests?q={subjectWord}");
        Assert.Equal([id], LinkedRequestIds(found, "[data-testid=request-row]", $"/a/{account.Id}/requests/"));
        var notFound = await customer.GetPageAsync($"/a/{account.Id}/requests?q={note}");
        Assert.Empty(notFound.QuerySelectorAll("[data-testid=request-row]"));
        var apiSearch = await customer.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/accounts/{account.Id}/requests?q={note}", UriKind.Relative));
        Assert.Equal(0, apiSearch.GetProperty("total").GetInt32());

        // Its file is not there for the customer.
        var customerFile = await customer.Http.GetAsync(new Uri($"{CustomerPath(account.Id, id)}/files/{attachmentId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, customerFile.StatusCode);

        // A public reply after it is emailed to the customer; the note never was, to anyone.
        var publicText = "Publicreply" + PorticoApp.Unique();
        await staff.StaffReplyAsync(id, $"Please restart the router. {publicText}");
        var replyEmail = await app.WaitForMailAsync(user.Email!, m => m.Text().Contains(publicText, StringComparison.Ordinal));
        Assert.DoesNotContain(note, replyEmail.Text(), StringComparison.Ordinal);
        Assert.All(app.Mail.Messages(), m => Assert.DoesNotContain(note, m, StringComparison.Ordinal));
        var publicSearch = await customer.GetPageAsync($"/a/{account.Id}/requests?q={publicText}");
        Assert.Equal([id], LinkedRequestIds(publicSearch, "[data-testid=request-row]", $"/a/{account.Id}/requests/"));
    }
}

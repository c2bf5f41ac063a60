namespace Portico.Tests.Documents;

/// Emails and the dashboard's activity feed must not reveal documents in folders a person cannot see.
public sealed class DocumentNoticeTests(PorticoApp app) : AppTests
{
    private static async Task<HttpResponseMessage> StaffUploadAsync(PorticoClient staff, Guid accountId, Guid folderId, string name, byte[] content)
    {
        var page = await staff.GetPageAsync($"/staff/accounts/{accountId}/documents");
        return await staff.PostMultipartAsync($"/staff/accounts/{accountId}/documents?handler=Upload", page,
            [new("folderId", folderId.ToString())], [("file", name, content)]);
    }

    private static async Task<string> ActivityAsync(PorticoClient client, Guid accountId)
    {
        var dashboard = await client.GetPageAsync($"/a/{accountId}");
        return dashboard.QuerySelector("[data-testid=activity]")?.TextContent ?? "";
    }

    [Fact]
    public async Task A_file_staff_put_in_a_staff_only_folder_is_announced_to_no_customer()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        var notes = await app.CreateFolderAsync(account, "Staff notes " + PorticoApp.Unique(), staffOnly: true);
        var general = await app.CreateFolderAsync(account, "General " + PorticoApp.Unique());
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        var secret = "Credit risk " + PorticoApp.Unique() + ".txt";
        var shared = "Welcome pack " + PorticoApp.Unique() + ".txt";
        using var staff = await app.SignInAsync(admin);

        Assert.Equal(HttpStatusCode.Redirect, (await StaffUploadAsync(staff, account.Id, notes.Id, secret, Text("internal"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffUploadAsync(staff, account.Id, general.Id, shared, Text("for everyone"))).StatusCode);

        // The file in the open folder is announced; by then the other would have been too.
        await app.WaitForEmailAsync(owner.Email!, m => m.Subject == "New document: " + shared);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(app.EmailsTo(owner.Email!), m => (m.Subject + m.TextBody).Contains(secret, StringComparison.Ordinal));
        using var client = await app.SignInAsync(owner);
        var activity = await ActivityAsync(client, account.Id);
        Assert.Contains(shared, activity, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, activity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_and_requests_in_a_billing_only_folder_are_announced_to_no_requester()
    {
        var (account, owner, billingMember, requester, admin) = await app.AccountWithOwnerBillingMemberAndRequesterAsync();
        var billing = await app.CreateFolderAsync(account, "Billing " + PorticoApp.Unique(),
            viewRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing], uploadRoles: [BuiltInRoles.Owner, BuiltInRoles.Billing]);
        var byOwner = "Salary run " + PorticoApp.Unique() + ".txt";
        var byStaff = "Credit note " + PorticoApp.Unique() + ".txt";
        var asked = "Bank statement " + PorticoApp.Unique();

        using (var ownerClient = await app.SignInAsync(owner))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await ownerClient.UploadOnPageAsync(account.Id, billing.Id, byOwner, Text("payroll"))).StatusCode);
        }
        using var staff = await app.SignInAsync(admin);
        Assert.Equal(HttpStatusCode.Redirect, (await StaffUploadAsync(staff, account.Id, billing.Id, byStaff, Text("credit"))).StatusCode);
        var page = await staff.GetPageAsync($"/staff/accounts/{account.Id}/documents");
        var request = await staff.PostFormAsync($"/staff/accounts/{account.Id}/documents?handler=Request", page, new Dictionary<string, string>
        {
            ["folderId"] = billing.Id.ToString(),
            ["title"] = asked,
            ["description"] = "",
            ["dueOn"] = DateTime.UtcNow.AddDays(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.Redirect, request.StatusCode);

        // Those who may see the folder hear of it; the requester hears nothing and sees nothing in the feed.
        await app.WaitForEmailAsync(billingMember.Email!, m => m.Subject == "New document: " + byStaff);
        await app.WaitForEmailAsync(owner.Email!, m => m.IsAbout(asked));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.DoesNotContain(app.EmailsTo(requester.Email!), m => (m.Subject + m.TextBody).Contains(billing.Name, StringComparison.Ordinal)
            || (m.Subject + m.TextBody).Contains(byStaff, StringComparison.Ordinal) || (m.Subject + m.TextBody).Contains(asked, StringComparison.Ordinal));
        using var client = await app.SignInAsync(requester);
        var activity = await ActivityAsync(client, account.Id);
        Assert.DoesNotContain(byOwner, activity, StringComparison.Ordinal);
        Assert.DoesNotContain(byStaff, activity, StringComparison.Ordinal);
        Assert.DoesNotContain(asked, activity, StringComparison.Ordinal);
    }
}

using System.Globalization;

namespace Portico.BrowserTests;

public sealed class DocumentJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task Staff_ask_for_a_document_the_customer_uploads_it_and_staff_download_it_with_a_trail()
    {
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner, "Echo Imports " + PorticoApp.Unique());
        var admin = await App.CreateUserAsync(staffRole: StaffRole.Admin);
        var folder = await App.CreateFolderAsync(account, "Contracts " + PorticoApp.Unique());
        var title = "Signed supply agreement " + PorticoApp.Unique();
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(10).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var fileName = "supply-agreement-signed.pdf";
        var content = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n% signed by Echo Imports " + PorticoApp.Unique() + "\n%%EOF\n");

        // Staff ask the account for the document.
        await using var staffContext = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl, AcceptDownloads = true });
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, admin);
        await staff.GotoAsync($"/staff/accounts/{account.Id}/documents");
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Documents of " + account.Name })).ToBeVisibleAsync();
        var ask = staff.GetByRole(AriaRole.Region, new() { Name = "Ask the account for a document" });
        await ask.GetByLabel("What you need").FillAsync(title);
        await ask.GetByLabel("Details (optional)").FillAsync("Both signatures, please, on page 4.");
        await ask.GetByLabel("Folder it goes into").SelectOptionAsync(new SelectOptionValue { Label = folder.Name });
        await ask.GetByLabel("Due on").FillAsync(due);
        await ask.GetByRole(AriaRole.Button, new() { Name = "Ask for it" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToContainTextAsync($"Asked the account for \"{title}\"");
        var requestRow = staff.GetByTestId("staff-document-request").Filter(new() { HasText = title });
        await Assertions.Expect(requestRow).ToContainTextAsync("Waiting");

        // The owner finds it under "Asked of you" and uploads the file.
        await using var customerContext = await Fixture.NewContextAsync();
        var customer = await customerContext.NewPageAsync();
        await SignInAsync(customer, owner);
        await customer.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Documents" }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "Documents", Exact = true })).ToBeVisibleAsync();
        var asked = customer.GetByRole(AriaRole.Region, new() { Name = "Asked of you" }).GetByTestId("document-request").Filter(new() { HasText = title });
        await Assertions.Expect(asked).ToContainTextAsync(due);
        await Assertions.Expect(asked).ToContainTextAsync("Both signatures, please, on page 4.");
        await asked.GetByLabel("File for " + title).SetInputFilesAsync(new FilePayload { Name = fileName, MimeType = "application/pdf", Buffer = content });
        await asked.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Status)).ToHaveTextAsync("Thank you, the file was uploaded.");
        await Assertions.Expect(customer.GetByTestId("document-request").Filter(new() { HasText = title })).ToHaveCountAsync(0);

        // Staff see it received, open it from the request and download it.
        await staff.ReloadAsync();
        await Assertions.Expect(requestRow).ToContainTextAsync("Received");
        await Assertions.Expect(requestRow).ToContainTextAsync(owner.DisplayName);
        await requestRow.GetByRole(AriaRole.Link, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = fileName })).ToBeVisibleAsync();
        var version = staff.GetByTestId("version");
        await Assertions.Expect(version).ToHaveCountAsync(1);
        await Assertions.Expect(version).ToContainTextAsync(owner.DisplayName);
        var download = await staff.RunAndWaitForDownloadAsync(() => version.GetByRole(AriaRole.Link, new() { Name = "Download v1" }).ClickAsync());
        Assert.Equal(fileName, download.SuggestedFilename);
        Assert.Null(await download.FailureAsync());
        await using (var stream = await download.CreateReadStreamAsync())
        using (var copy = new MemoryStream())
        {
            await stream.CopyToAsync(copy);
            Assert.Equal(content, copy.ToArray());
        }

        // The trail shows the customer's upload and the staff download.
        await staff.ReloadAsync();
        var trail = staff.GetByRole(AriaRole.Region, new() { Name = "Trail" }).GetByTestId("audit-event");
        var uploaded = trail.Filter(new() { HasText = "document.uploaded" });
        await Assertions.Expect(uploaded).ToHaveCountAsync(1);
        await Assertions.Expect(uploaded).ToContainTextAsync(owner.Email!);
        var downloaded = trail.Filter(new() { HasText = "document.downloaded" });
        await Assertions.Expect(downloaded).ToHaveCountAsync(1);
        await Assertions.Expect(downloaded).ToContainTextAsync(admin.Email!);
        await staff.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "documents-staff-trail.png"), FullPage = true });
    }
}

using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using Portico.Features.Accounts;
using Portico.Features.Documents;
using Portico.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static Portico.BrowserTests.Browsing;
using static Portico.Tests.Documents.DocumentKit;

namespace Portico.BrowserTests;

/// The app with a small document limit, so a file over it is a few megabytes, not gigabytes.
public sealed class SmallUploadLimitApp : PorticoApp
{
    public const long MaxFileBytes = 2 * 1024 * 1024;

    protected override IDictionary<string, string?> Settings() => new Dictionary<string, string?>
    {
        ["Documents:MaxFileBytes"] = MaxFileBytes.ToString(CultureInfo.InvariantCulture),
    };
}

public sealed class SmallUploadLimitFixture() : BrowserFixture(new SmallUploadLimitApp());

public sealed class UploadJourney(SmallUploadLimitFixture fixture) : Journey<SmallUploadLimitFixture>(fixture)
{
    /// Records the highest value the upload's progress bar reaches where it outlives the page, since the page moves on once the upload is done.
    private const string WatchProgress = """
        () => {
          const bar = document.querySelector('[data-upload-progress] progress');
          sessionStorage.removeItem('highest-progress');
          new MutationObserver(() => {
            const highest = Number(sessionStorage.getItem('highest-progress') ?? 0);
            sessionStorage.setItem('highest-progress', String(Math.max(highest, bar.value)));
          }).observe(bar, { attributes: true });
        }
        """;

    private static byte[] TextOf(int size, string line)
    {
        var content = new byte[size];
        var pattern = Encoding.ASCII.GetBytes(line + "\n");
        for (var i = 0; i < size; i++)
        {
            content[i] = pattern[i % pattern.Length];
        }
        return content;
    }

    /// The forms the page posts from now on, so a test can tell whether a file was sent and how.
    private static List<IRequest> PostsFrom(IPage page)
    {
        var posts = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                lock (posts)
                {
                    posts.Add(request);
                }
            }
        };
        return posts;
    }

    private Task<int> MessagesAsync(Guid requestId) => App.WithDbAsync((db, _) => db.RequestMessages.CountAsync(m => m.RequestId == requestId));

    private async Task<(IBrowserContext Context, IPage Page, DocumentFolder Folder, List<IRequest> Posts)> OpenFolderAsync()
    {
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner);
        var folder = await App.CreateFolderAsync(account, "Shipping papers " + PorticoApp.Unique());
        var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl });
        var page = await context.NewPageAsync();
        await SignInAsync(page, owner);
        await page.GotoAsync(FolderPath(account.Id, folder.Id));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = folder.Name })).ToBeVisibleAsync();
        return (context, page, folder, PostsFrom(page));
    }

    [Fact]
    public async Task A_document_dropped_on_the_drop_zone_uploads_with_progress_to_the_end_and_is_listed()
    {
        var (context, page, folder, posts) = await OpenFolderAsync();
        await using var _ = context;
        var name = $"packing-list-{PorticoApp.Unique()}.txt";
        var content = TextOf(300 * 1024, "Pallet 12: 40 cartons of glassware, handle with care.");

        var upload = page.GetByRole(AriaRole.Region, new() { Name = "Upload", Exact = true });
        await Assertions.Expect(upload.GetByText("or drop a file here")).ToBeVisibleAsync();
        await Assertions.Expect(upload.GetByLabel("Upload progress")).ToBeHiddenAsync();
        var dropped = await page.EvaluateHandleAsync("""
            ([name, text]) => {
              const transfer = new DataTransfer();
              transfer.items.add(new File([text], name, { type: 'text/plain' }));
              return transfer;
            }
            """, new object[] { name, Encoding.ASCII.GetString(content) });
        await page.Locator("[data-drop-zone]").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        Assert.Equal(name, await upload.GetByLabel("File", new() { Exact = true }).EvaluateAsync<string>("input => input.files[0].name"));
        await page.EvaluateAsync(WatchProgress);
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"{name} was uploaded.");
        await Assertions.Expect(page.GetByTestId("document").Filter(new() { HasText = name })).ToHaveCountAsync(1);
        Assert.Equal("100", await page.EvaluateAsync<string>("sessionStorage.getItem('highest-progress')"));
        var post = Assert.Single(posts);
        Assert.Equal("xhr", post.ResourceType);
        var versions = await App.VersionsInAsync(folder.Id);
        Assert.Equal(content.Length, Assert.Single(versions).Size);
    }

    [Fact]
    public async Task A_file_over_the_limit_is_refused_in_the_browser_before_anything_is_sent()
    {
        var (context, page, folder, posts) = await OpenFolderAsync();
        await using var _ = context;
        var upload = page.GetByRole(AriaRole.Region, new() { Name = "Upload", Exact = true });
        var file = upload.GetByLabel("File", new() { Exact = true });

        await file.SetInputFilesAsync(new FilePayload { Name = "scans.pdf", MimeType = "application/pdf", Buffer = new byte[SmallUploadLimitApp.MaxFileBytes + 1] });
        await Assertions.Expect(upload).ToContainTextAsync("\"scans.pdf\" is larger than the limit of 2 MB.");
        await Assertions.Expect(file).ToHaveAttributeAsync("aria-invalid", "true");
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        await Assertions.Expect(file).ToBeFocusedAsync();

        await file.SetInputFilesAsync(new FilePayload { Name = "installer.exe", MimeType = "application/octet-stream", Buffer = Encoding.ASCII.GetBytes("MZ") });
        await Assertions.Expect(upload).ToContainTextAsync("\"installer.exe\" is a type of file that is not accepted.");
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();

        Assert.Empty(posts);
        Assert.Empty(await App.DocumentsInAsync(folder.Id));
    }

    [Fact]
    public async Task An_upload_cancelled_midway_stores_nothing()
    {
        var (context, page, folder, posts) = await OpenFolderAsync();
        await using var _ = context;
        var upload = page.GetByRole(AriaRole.Region, new() { Name = "Upload", Exact = true });
        // About 25 s to send at this rate: long enough to cancel midway.
        var network = await context.NewCDPSessionAsync(page);
        await network.SendAsync("Network.enable");
        await network.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 64 * 1024,
        });

        await upload.GetByLabel("File", new() { Exact = true }).SetInputFilesAsync(new FilePayload
        {
            Name = "customs-declarations.txt", MimeType = "text/plain", Buffer = TextOf(1536 * 1024, "Declaration 2026-118: cleared."),
        });
        await upload.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true }).ClickAsync();
        var progress = upload.GetByLabel("Upload progress");
        await Assertions.Expect(progress).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-upload-progress] progress').value >= 10");
        await Assertions.Expect(upload.GetByText("Uploading")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "upload-in-progress.png") });
        var sent = await page.EvaluateAsync<double>("() => document.querySelector('[data-upload-progress] progress').value");
        await upload.GetByRole(AriaRole.Button, new() { Name = "Cancel upload" }).ClickAsync();

        await Assertions.Expect(upload).ToContainTextAsync("Upload cancelled. Nothing was stored.");
        await Assertions.Expect(progress).ToBeHiddenAsync();
        await Assertions.Expect(upload.GetByRole(AriaRole.Button, new() { Name = "Upload", Exact = true })).ToBeEnabledAsync();
        Assert.Single(posts);
        Assert.True(sent < 100, "The upload finished before it was cancelled.");

        // The portal notices the connection closing; give it a moment, then nothing of the file may be left.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await App.DocumentsInAsync(folder.Id));
        Assert.Empty(await App.VersionsInAsync(folder.Id));
        await App.AssertStorageHoldsOnlySavedVersionsAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("This folder is empty.")).ToBeVisibleAsync();
    }
    [Fact]
    public async Task A_reply_attachment_uploads_through_the_script_and_a_refusal_from_the_portal_is_shown_at_the_field()
    {
        var (account, owner) = await App.CreateCustomerAsync(BuiltInRoles.Owner);
        var request = await App.CreateRequestAsync(account, owner, await App.CreateRequestTypeAsync(), "Damaged pallet " + PorticoApp.Unique());
        await using var context = await Fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Fixture.BaseUrl });
        var page = await context.NewPageAsync();
        await SignInAsync(page, owner);
        await page.GotoAsync($"/a/{account.Id}/requests/{request.Id}");
        var posts = PostsFrom(page);
        var reply = page.GetByRole(AriaRole.Region, new() { Name = "Reply", Exact = true });
        await reply.GetByLabel("Message").FillAsync("Photos of the damage attached.");
        var files = reply.GetByLabel("Attach files (optional)");
        var messages = await MessagesAsync(request.Id);

        // Only the portal can tell that the bytes are not a picture: its refusal shows at the field.
        await files.SetInputFilesAsync(new FilePayload { Name = "pallet.png", MimeType = "image/png", Buffer = Encoding.ASCII.GetBytes("not a picture") });
        await reply.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(reply).ToContainTextAsync("The content of \"pallet.png\" does not match its name.");
        await Assertions.Expect(reply.GetByRole(AriaRole.Button, new() { Name = "Send reply" })).ToBeEnabledAsync();
        Assert.Equal(messages, await MessagesAsync(request.Id));

        await files.SetInputFilesAsync(new FilePayload { Name = "damage-notes.txt", MimeType = "text/plain", Buffer = TextOf(200 * 1024, "Corner crushed, two cartons wet.") });
        await reply.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(page.GetByTestId("message").Filter(new() { HasText = "Photos of the damage attached." })).ToContainTextAsync("damage-notes.txt");
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.Equal("xhr", p.ResourceType));
    }
}

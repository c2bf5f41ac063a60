using MimeKit;

namespace Portico.Tests.Branding;

/// Every email has a plain-text part and the same words as HTML under the portal's stored name and colour.
public sealed class BrandedEmailTests(BrandingApp app) : IClassFixture<BrandingApp>
{
    [Fact]
    public async Task Email_is_multipart_with_an_encoded_html_part_carrying_the_stored_brand_and_the_link_as_a_button()
    {
        using var admin = await app.SignInAsync(await app.CreateUserAsync(staffRole: StaffRole.Admin));
        var name = $"<script>alert(1)</script> Acme {PorticoApp.Unique()}";
        Assert.Equal(HttpStatusCode.Redirect, (await BrandingTests.SaveAsync(admin, BrandingTests.Fields(name, "#7c2d12"))).StatusCode);

        var email = $"new-{PorticoApp.Unique()}@example.com";
        var added = await admin.PostFormAsync("/staff/team?handler=Add", await admin.GetPageAsync("/staff/team"),
            new Dictionary<string, string> { ["email"] = email, ["name"] = "Nia <b>Agent</b>", ["role"] = "Agent" });
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        var raw = await app.Mail.WaitForAsync(m => m.Contains("To: " + email, StringComparison.OrdinalIgnoreCase));
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(raw));
        var message = await MimeMessage.LoadAsync(stream);
        Assert.Equal("multipart/alternative", message.Body!.ContentType.MimeType);
        var link = await app.Mail.LinkAsync(email, "/setup/");
        Assert.Contains(link, message.TextBody!, StringComparison.Ordinal);
        Assert.Equal($"You have been added to the staff of {name}", message.Subject);

        var html = message.HtmlBody!;
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>Agent</b>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("background:#7c2d12", html, StringComparison.Ordinal);
        // Encoded, the name and the person's name read as the text they are.
        var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
        Assert.Equal(name, document.QuerySelector("td td")!.TextContent);
        Assert.Contains("Nia <b>Agent</b>", document.Body!.TextContent, StringComparison.Ordinal);
        var button = document.QuerySelectorAll("a")
            .Single(a => a.GetAttribute("href")!.EndsWith(link, StringComparison.Ordinal));
        Assert.StartsWith("Open in <script>", button.TextContent, StringComparison.Ordinal);
    }
}

using Portico.Tests.Staff;

namespace Portico.Tests.Help;

[Collection(AppCollection.Name)]
public sealed class StaffHelpPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_staff_help_pages_read_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertAdminReadsInGermanAsync("/staff/help",
            (InGerman.Headings, "Kategorien", "Categories"),
            (InGerman.Buttons, "Kategorie hinzufügen", "Add category"));
        await app.AssertAdminReadsInGermanAsync("/staff/help/edit",
            (InGerman.Headings, "Veröffentlichte Versionen", "Published versions"),
            (InGerman.Buttons, "Entwurf speichern", "Save draft"),
            ("main legend", "Wer ihn lesen darf", "Who may read it"));
    }

    [Fact]
    public async Task An_article_being_edited_is_named_in_German()
    {
        var title = "Printer setup " + HelpSteps.Word();
        var article = await app.PublishArticleAsync(title, "Plug it in.");

        await app.AssertAdminReadsInGermanAsync($"/staff/help/edit/{article.Id}",
            ("main h1", $"{title} bearbeiten", $"Edit {title}"),
            (InGerman.Buttons, "Veröffentlichen", "Publish"));
    }

    [Fact]
    public async Task A_category_without_a_name_is_refused_in_German()
    {
        using var client = (await app.SignedInAdminAsync()).AskingForGerman();

        var response = await client.SubmitAsync("/staff/help", new Dictionary<string, string> { ["Name"] = "  " }, "Category");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Geben Sie der Kategorie einen Namen mit 1 bis 100 Zeichen.", (await PorticoClient.ParseAsync(response)).GetElementById("name-error")?.TextContent.Trim());
    }
}

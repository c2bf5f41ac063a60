namespace Portico.Tests.Help;

[Collection(AppCollection.Name)]
public sealed class HelpPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_help_centre_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertOwnerReadsInGermanAsync(id => $"/a/{id}/help",
            (InGerman.Headings, "Hilfe", "Help"),
            (InGerman.Buttons, "Suchen", "Search"));
    }

    [Fact]
    public async Task A_search_too_long_is_refused_in_German()
    {
        var (account, owner) = await app.CreateCustomerAsync(BuiltInRoles.Owner);
        using var client = (await app.SignInAsync(owner)).AskingForGerman();

        var response = await client.Http.GetAsync(new Uri($"/a/{account.Id}/help?q={new string('x', 201)}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Suchen Sie nach höchstens 200 Zeichen.", (await PorticoClient.ParseAsync(response)).GetElementById("q-error")?.TextContent.Trim());
    }
}

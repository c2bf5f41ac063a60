namespace Portico.Tests.Requests;

[Collection(AppCollection.Name)]
public sealed class RequestPagesInGermanTests(PorticoApp app)
{
    [Fact]
    public async Task The_request_list_reads_in_German_when_the_browser_asks_for_it_and_in_English_otherwise()
    {
        await app.AssertOwnerReadsInGermanAsync(id => $"/a/{id}/requests",
            (InGerman.Headings, "Anfragen", "Requests"),
            (InGerman.Buttons, "Filtern", "Filter"),
            (InGerman.Buttons, "Erste Anfrage stellen", "Send your first request"));
    }

    [Fact]
    public async Task A_request_reads_in_German_with_its_reply_form()
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        using var client = await app.SignInAsync(user);
        var requestId = await client.SubmitAsync(account.Id, type.Id, "Printer " + PorticoApp.Unique());

        await client.AssertGermanAndEnglishAsync(CustomerPath(account.Id, requestId),
            (InGerman.Headings, "Verlauf", "Conversation"),
            (InGerman.Buttons, "Antwort senden", "Send reply"),
            ("main dt", "Gestellt von", "Submitted by"));
    }

    [Fact]
    public async Task A_refused_submission_names_its_errors_in_German()
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync(EveryKind());
        using var client = (await app.SignInAsync(user)).AskingForGerman();

        var response = await client.PostNewRequestAsync(account.Id, type.Id, [Field("subject", "  "), Field("priority", "Normal"), Field("f.colour", "")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var page = await PorticoClient.ParseAsync(response);
        Assert.Equal("Geben Sie einen Betreff ein.", page.GetElementById("subject-error")?.TextContent.Trim());
        Assert.Equal("Wählen Sie eine Option für „Colour“.", page.GetElementById("field-colour-error")?.TextContent.Trim());
        Assert.Equal("Bitte korrigieren Sie Folgendes:", page.QuerySelector("[data-testid=form-errors] p")?.TextContent.Trim());
        Assert.Equal("Anfrage senden", page.QuerySelector("main form button[type=submit]")?.TextContent.Trim());
    }

    [Fact]
    public async Task A_refused_reply_says_why_in_German()
    {
        var (_, type, account, user) = await app.CreateAgentTypeAndCustomerAsync();
        using var client = await app.SignInAsync(user);
        var requestId = await client.SubmitAsync(account.Id, type.Id, "Printer " + PorticoApp.Unique());
        client.AskingForGerman();
        var page = await client.GetPageAsync(CustomerPath(account.Id, requestId));

        var response = await client.PostMultipartAsync(CustomerPath(account.Id, requestId) + "?handler=Reply", page, [Field("Body", "   ")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("Schreiben Sie eine Nachricht.", (await PorticoClient.ParseAsync(response)).QuerySelector("[data-testid=action-error]")?.TextContent.Trim());
    }
}

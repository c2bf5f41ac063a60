namespace Portico.Tests.Identity;

[Collection(AppCollection.Name)]
public sealed class LanguageTests(PorticoApp app)
{
    private static async Task<HttpResponseMessage> ChooseAsync(PorticoClient client, string language, string timeZone)
    {
        var page = await client.GetPageAsync("/account/profile");
        return await client.PostFormAsync("/account/profile?handler=Language", page,
            new Dictionary<string, string> { ["language"] = language, ["timeZone"] = timeZone });
    }

    private Task<(string? Language, string? TimeZone)> StoredAsync(PorticoUser user) =>
        app.WithDbAsync(async (db, _) => await db.Users.Where(u => u.Id == user.Id).Select(u => new ValueTuple<string?, string?>(u.Language, u.TimeZone)).SingleAsync());

    private static async Task<IHtmlDocument> GetInAsync(PorticoClient client, string url, string acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        var response = await client.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PorticoClient.ParseAsync(response);
    }

    private static async Task<HttpResponseMessage> SignInGuessingAsync(PorticoClient client, PorticoUser user, string browserTimeZone)
    {
        var page = await client.GetPageAsync("/login");
        Assert.NotNull(page.QuerySelector("input[name=BrowserTimeZone][data-browser-time-zone]"));
        return await client.PostFormAsync("/login", page, new Dictionary<string, string>
        {
            ["Form.Email"] = user.Email!,
            ["Form.Password"] = PorticoApp.Password,
            ["BrowserTimeZone"] = browserTimeZone,
        });
    }

    [Fact]
    public async Task The_sign_in_page_follows_the_browsers_language()
    {
        using var client = app.Anonymous();

        var german = await GetInAsync(client, "/login", "de-DE,de;q=0.9,en;q=0.5");
        var english = await GetInAsync(client, "/login", "en-GB");
        var other = await GetInAsync(client, "/login", "fr");

        Assert.Equal("de", german.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Anmelden", german.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Passwort vergessen?", german.QuerySelector("[data-testid=forgot-password]")!.TextContent.Trim());
        Assert.Equal("Auf diesem Gerät angemeldet bleiben", german.QuerySelector("label[for=Form_RememberMe]")!.TextContent.Trim());
        Assert.Equal("en", english.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Sign in", english.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal("Sign in", other.QuerySelector("h1")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_refused_sign_in_and_its_validation_messages_are_in_German()
    {
        using var client = app.Anonymous();
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd("de");
        var page = await client.GetPageAsync("/login");

        var empty = await PorticoClient.ParseAsync(await client.PostFormAsync("/login", page, new Dictionary<string, string> { ["Form.Email"] = "", ["Form.Password"] = "" }));
        var wrong = await PorticoClient.ParseAsync(await client.PostFormAsync("/login", page,
            new Dictionary<string, string> { ["Form.Email"] = $"nobody-{PorticoApp.Unique()}@example.com", ["Form.Password"] = "wrong" }));

        Assert.Equal("Geben Sie Ihre E-Mail-Adresse ein.", empty.QuerySelector("[data-valmsg-for='Form.Email']")!.TextContent.Trim());
        Assert.Equal("Geben Sie Ihr Passwort ein.", empty.QuerySelector("[data-valmsg-for='Form.Password']")!.TextContent.Trim());
        Assert.Contains("Diese E-Mail-Adresse und dieses Passwort passen zu keinem Konto.", wrong.QuerySelector(".alert.error")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chosen_language_wins_over_the_browsers_from_the_next_page_on()
    {
        var (account, user) = await app.CreateCustomerAsync(BuiltInRoles.Viewer);
        using var client = await app.SignInAsync(user);
        Assert.Equal("en", (await GetInAsync(client, $"/a/{account.Id}", "en")).DocumentElement.GetAttribute("lang"));

        Assert.Equal(HttpStatusCode.Redirect, (await ChooseAsync(client, "de", "Europe/Berlin")).StatusCode);

        Assert.Equal(("de", "Europe/Berlin"), await StoredAsync(user));
        var dashboard = await GetInAsync(client, $"/a/{account.Id}", "en-US,en;q=0.9");
        Assert.Equal("de", dashboard.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Abmelden", dashboard.QuerySelector(".user-menu button")!.TextContent.Trim());
        Assert.Contains(dashboard.QuerySelectorAll("nav.mainnav a"), a => a.TextContent.Trim() == "Übersicht");
        var profile = await GetInAsync(client, "/account/profile", "en");
        Assert.Equal("Ihr Profil", profile.QuerySelector("h1")!.TextContent.Trim());
        Assert.NotNull(profile.QuerySelector("#language option[value=de][selected]"));
        Assert.NotNull(profile.QuerySelector("#time-zone option[value='Europe/Berlin'][selected]"));

        // Back to the browser's language.
        Assert.Equal(HttpStatusCode.Redirect, (await ChooseAsync(client, "", "Europe/Berlin")).StatusCode);
        Assert.Equal((null, "Europe/Berlin"), await StoredAsync(user));
        Assert.Equal("en", (await GetInAsync(client, $"/a/{account.Id}", "en")).DocumentElement.GetAttribute("lang"));
        Assert.Equal("de", (await GetInAsync(client, $"/a/{account.Id}", "de")).DocumentElement.GetAttribute("lang"));
    }

    [Theory]
    [InlineData("de", "Mars/Olympus_Mons", "timeZone")]
    [InlineData("de", "", "timeZone")]
    [InlineData("de", "W. Europe Standard Time", "timeZone")]
    [InlineData("fr", "Europe/Berlin", "language")]
    public async Task An_unknown_language_or_zone_is_refused_and_nothing_is_saved(string language, string timeZone, string field)
    {
        var (_, user) = await app.CreateCustomerAsync(BuiltInRoles.Viewer);
        using var client = await app.SignInAsync(user);

        var response = await ChooseAsync(client, language, timeZone);

        var error = await PorticoClient.FieldErrorAsync(response, HttpStatusCode.UnprocessableEntity, field == "timeZone" ? "TimeZone" : "Language");
        Assert.Equal(field == "timeZone" ? "Choose a time zone from the list, such as Europe/Berlin." : "Choose one of the languages offered.", error);
        Assert.Equal((null, null), await StoredAsync(user));
    }

    [Fact]
    public async Task The_browsers_zone_is_stored_at_sign_in_only_while_none_is_known_and_only_if_real()
    {
        var user = await app.CreateUserAsync();
        using (var first = app.Anonymous())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInGuessingAsync(first, user, "Not/AZone")).StatusCode);
        }
        Assert.Equal((null, null), await StoredAsync(user));

        using (var second = app.Anonymous())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInGuessingAsync(second, user, "America/New_York")).StatusCode);
            // This session already shows times in the guessed zone.
            Assert.EndsWith(" America/New_York", (await second.GetPageAsync("/account/sessions")).QuerySelector("[data-testid=session] time")!.TextContent.Trim(), StringComparison.Ordinal);
        }
        Assert.Equal((null, "America/New_York"), await StoredAsync(user));

        using (var third = app.Anonymous())
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignInGuessingAsync(third, user, "Asia/Tokyo")).StatusCode);
        }
        Assert.Equal((null, "America/New_York"), await StoredAsync(user));
    }

    [Fact]
    public async Task Times_show_in_the_persons_zone_and_in_their_languages_format()
    {
        var user = await app.CreateUserAsync();
        await app.WithDbAsync(async db =>
        {
            var stored = await db.Users.SingleAsync(u => u.Id == user.Id);
            stored.TimeZone = "Asia/Tokyo";
            stored.Language = "de";
            await db.SaveChangesAsync();
        });
        using var client = await app.SignInAsync(user);

        var session = (await client.GetPageAsync("/account/sessions")).QuerySelector("[data-testid=session] time")!;

        var at = DateTime.Parse(session.GetAttribute("datetime")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var tokyo = at.AddHours(9);
        Assert.Equal($"{tokyo:dd.MM.yyyy HH:mm} Asia/Tokyo", session.TextContent.Trim());
    }
}

[Collection(AppCollection.Name)]
public sealed class EmailLanguageTests(PorticoApp app)
{
    private static MimeKit.MimeMessage Parse(string raw)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(raw));
        return MimeKit.MimeMessage.Load(stream);
    }

    private async Task<MimeKit.MimeMessage> ResetEmailAsync(PorticoUser user, string browserLanguage)
    {
        using var client = app.Anonymous();
        // Whoever asks, in whatever language: the email follows the recipient's profile.
        client.Http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(browserLanguage);
        var page = await client.GetPageAsync("/account/forgot-password");
        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("/account/forgot-password", page, new Dictionary<string, string> { ["Email"] = user.Email! })).StatusCode);
        return Parse(await app.Mail.WaitForAsync(m => m.Contains("To: " + user.Email, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task A_German_recipient_gets_the_password_reset_email_in_German_and_others_in_English()
    {
        var german = await app.CreateUserAsync();
        await app.WithDbAsync(async db =>
        {
            (await db.Users.SingleAsync(u => u.Id == german.Id)).Language = "de";
            await db.SaveChangesAsync();
        });
        var english = await app.CreateUserAsync();

        var de = await ResetEmailAsync(german, "en");
        var en = await ResetEmailAsync(english, "de");

        Assert.StartsWith("Setzen Sie Ihr Passwort für ", de.Subject, StringComparison.Ordinal);
        Assert.StartsWith($"Hallo {german.DisplayName},", de.TextBody, StringComparison.Ordinal);
        Assert.Contains("innerhalb von 1 Stunde ein neues Passwort", de.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"de\">", de.HtmlBody, StringComparison.Ordinal);
        Assert.EndsWith(" öffnen", new AngleSharp.Html.Parser.HtmlParser().ParseDocument(de.HtmlBody!).QuerySelector("a")!.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Reset your password for ", en.Subject, StringComparison.Ordinal);
        Assert.Contains("within 1 hour", en.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", en.HtmlBody, StringComparison.Ordinal);
    }
}

using Portico.Features.Insights;
using Portico.Tenancy;
using Portico.Tests.Help;

namespace Portico.BrowserTests;

/// The app with a clock the journey moves, so the insights page's figures can be a minute old.
public sealed class InsightsClockFixture() : BrowserFixture(new Portico.Tests.Insights.InsightsClockApp());

public sealed class HelpJourney(InsightsClockFixture fixture) : Journey<InsightsClockFixture>(fixture)
{
    [Fact]
    public async Task On_a_phone_a_customer_types_a_title_sees_an_article_says_it_answered_and_marks_it_helpful_no_request_is_created_and_deflection_rises_by_one()
    {
        var word = HelpSteps.Word();
        var article = await App.PublishArticleAsync($"Copy of an invoice {word}", "Open **Invoices** and choose *Download PDF*.");
        var (account, requester) = await App.CreateCustomerAsync(BuiltInRoles.Requester, "Echo Freight " + PorticoApp.Unique());
        var type = await App.CreateRequestTypeAsync("Billing question " + PorticoApp.Unique());

        var agent = await App.CreateUserAsync(staffRole: Portico.Features.Identity.StaffRole.Agent);
        await using var staffContext = await Fixture.NewContextAsync();
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, agent);
        await staff.GotoAsync($"/staff/insights?Account={account.Id}");
        var deflection = staff.GetByTestId("metric-deflection").GetByTestId("value");
        await Assertions.Expect(deflection).ToHaveTextAsync("0");

        await using var context = await Fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await SignInAsync(page, requester);
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/a/{account.Id}/requests/new?type={type.Id}");
        await page.GetByLabel("Subject").PressSequentiallyAsync($"Need a copy {word}");

        var suggestions = page.GetByTestId("help-suggestions");
        await Assertions.Expect(suggestions.GetByRole(AriaRole.Link, new() { Name = article.Title })).ToBeVisibleAsync();
        await suggestions.GetByRole(AriaRole.Button, new() { Name = "This answered my question" }).First.ClickAsync();
        await Assertions.Expect(page.GetByTestId("help-notice")).ToHaveTextAsync("Glad it answered your question. No request was created.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = article.Title })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "This was helpful" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("help-notice")).ToHaveTextAsync("Thank you for telling us.");

        Assert.Equal(0, await App.WithDbAsync((db, _) => db.Requests.AcrossAccounts().CountAsync(r => r.AccountId == account.Id)));
        var kinds = await App.WithDbAsync((db, _) => db.KeyEvents.AcrossAccounts().Where(e => e.AccountId == account.Id).Select(e => e.Kind).ToListAsync());
        Assert.Equal(1, kinds.Count(k => k == KeyEventKind.RequestFormDeflected));
        Assert.Equal(1, kinds.Count(k => k == KeyEventKind.ArticleHelpful));
        // The page keeps its figures for a minute.
        ((Portico.Tests.Insights.InsightsClockApp)App).Clock.Advance(Portico.Features.Insights.Staff.InsightFigureCache.MaxAge);
        await staff.ReloadAsync();
        await Assertions.Expect(deflection).ToHaveTextAsync("1");
        await staff.SetViewportSizeAsync(1280, 900);
        await staff.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "insights.png"), FullPage = true });
    }
}

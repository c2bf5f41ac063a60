using Portico.Features.Requests;

namespace Portico.BrowserTests;

public sealed class RequestJourney(BrowserFixture fixture) : Journey(fixture)
{
    [Fact]
    public async Task A_customer_submits_a_request_an_agent_asks_for_information_and_the_customer_provides_it()
    {
        var (account, requester) = await App.CreateCustomerAsync(BuiltInRoles.Requester, "Delta Logistics " + PorticoApp.Unique());
        var agent = await App.CreateUserAsync(staffRole: StaffRole.Agent);
        var type = await App.CreateRequestTypeAsync("Printer fault " + PorticoApp.Unique(),
        [
            new RequestField("affected-system", "Affected system", FieldKind.Choice, Required: true, ["Warehouse printer", "Office printer"]),
            new RequestField("what-happened", "What happened", FieldKind.LongText, Required: false, []),
        ], defaultAssigneeId: agent.Id);
        var subject = "Labels print blank " + PorticoApp.Unique();
        var replyText = "Please send the serial number on the back of the printer. " + PorticoApp.Unique();
        var customerText = "The serial number is WP-4411-" + PorticoApp.Unique();

        // The requester submits the request.
        await using var customerContext = await Fixture.NewContextAsync();
        var customer = await customerContext.NewPageAsync();
        await SignInAsync(customer, requester);
        await Assertions.Expect(customer.GetByTestId("active-account")).ToContainTextAsync(account.Name);
        await customer.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Requests" }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "Requests", Exact = true })).ToBeVisibleAsync();
        await customer.GetByRole(AriaRole.Link, new() { Name = "New request" }).ClickAsync();

        // With one type the form opens directly; with several the customer picks one first.
        var formHeading = customer.GetByRole(AriaRole.Heading, new() { Name = "New request: " + type.Name });
        var typeChoice = customer.GetByRole(AriaRole.Link, new() { Name = type.Name, Exact = true });
        await Assertions.Expect(formHeading.Or(typeChoice)).ToBeVisibleAsync();
        if (await typeChoice.IsVisibleAsync())
        {
            await typeChoice.ClickAsync();
        }
        await Assertions.Expect(formHeading).ToBeVisibleAsync();

        await customer.GetByLabel("Subject").FillAsync(subject);
        await customer.GetByLabel("Affected system").SelectOptionAsync(new SelectOptionValue { Label = "Warehouse printer" });
        await customer.GetByLabel("What happened").FillAsync("Since this morning every label comes out blank.\nThe test page prints fine.");
        await customer.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();

        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = subject })).ToBeVisibleAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Status)).ToContainTextAsync("Your request was submitted");
        await Assertions.Expect(customer.GetByTestId("request-status")).ToHaveTextAsync("New");
        var details = customer.GetByRole(AriaRole.Region, new() { Name = "Details" });
        await Assertions.Expect(details).ToContainTextAsync("Warehouse printer");
        await Assertions.Expect(details).ToContainTextAsync("every label comes out blank");
        // The long answer keeps its line break.
        var whatHappened = (await details.GetByText("Since this morning").InnerTextAsync()).ReplaceLineEndings("\n");
        Assert.Equal("Since this morning every label comes out blank.\nThe test page prints fine.", whatHappened);
        var customerRequestUrl = new Uri(customer.Url).AbsolutePath;

        // The agent finds it in the queue and asks for information.
        await using var staffContext = await Fixture.NewContextAsync();
        var staff = await staffContext.NewPageAsync();
        await SignInAsync(staff, agent);
        await staff.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Request queue" }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = "Request queue" })).ToBeVisibleAsync();
        var row = staff.GetByTestId("queue-row").Filter(new() { HasText = subject });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(account.Name);
        await Assertions.Expect(row).ToContainTextAsync("New");
        await Assertions.Expect(row).ToContainTextAsync(agent.DisplayName);
        await staff.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "request-staff-queue.png"), FullPage = true });
        await row.GetByRole(AriaRole.Link, new() { Name = subject }).ClickAsync();

        await Assertions.Expect(staff.GetByRole(AriaRole.Heading, new() { Name = subject })).ToBeVisibleAsync();
        await staff.GetByRole(AriaRole.Radio, new() { Name = "Public reply" }).CheckAsync();
        await staff.GetByLabel("Message").FillAsync(replyText);
        await staff.GetByLabel("Then set status").SelectOptionAsync(new SelectOptionValue { Label = "Waiting on customer" });
        await staff.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Assertions.Expect(staff.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(staff.GetByTestId("request-status")).ToHaveTextAsync("Waiting on customer");
        await Assertions.Expect(staff.GetByTestId("message").Filter(new() { HasText = replyText })).ToHaveCountAsync(1);

        // The requester sees the reply and the new status, and got it by email.
        await customer.ReloadAsync();
        await Assertions.Expect(customer.GetByTestId("request-status")).ToHaveTextAsync("Waiting on customer");
        var agentReply = customer.GetByTestId("message").Filter(new() { HasText = replyText });
        await Assertions.Expect(agentReply).ToHaveCountAsync(1);
        await Assertions.Expect(agentReply).ToContainTextAsync(agent.DisplayName);
        await Assertions.Expect(agentReply).ToContainTextAsync("Support");

        var replyEmail = await WaitForEmailAsync(requester.Email!, m => m.TextBody?.Contains(replyText, StringComparison.Ordinal) == true);
        Assert.Contains("New reply: " + subject, replyEmail.Subject, StringComparison.Ordinal);
        Assert.Contains(customerRequestUrl, replyEmail.TextBody, StringComparison.Ordinal);

        // The requester provides the information; the request goes back to the team.
        var provide = customer.GetByRole(AriaRole.Region, new() { Name = "Provide the information asked for" });
        await provide.GetByLabel("Message").FillAsync(customerText);
        await provide.GetByRole(AriaRole.Button, new() { Name = "Send reply" }).ClickAsync();
        await Assertions.Expect(customer.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(customer.GetByTestId("request-status")).ToHaveTextAsync("In progress");
        await Assertions.Expect(customer.GetByTestId("message").Filter(new() { HasText = customerText })).ToHaveCountAsync(1);
        await Assertions.Expect(customer.GetByRole(AriaRole.Heading, new() { Name = "Reply", Exact = true })).ToBeVisibleAsync();
        await customer.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "request-customer.png"), FullPage = true });

        // The assigned agent is told about the answer.
        var customerReplyEmail = await WaitForEmailAsync(agent.Email!, m => m.TextBody?.Contains(customerText, StringComparison.Ordinal) == true);
        Assert.Contains("Customer reply: " + subject, customerReplyEmail.Subject, StringComparison.Ordinal);

        await staff.ReloadAsync();
        await Assertions.Expect(staff.GetByTestId("request-status")).ToHaveTextAsync("In progress");
        await Assertions.Expect(staff.GetByTestId("message").Filter(new() { HasText = customerText })).ToHaveCountAsync(1);
    }
}

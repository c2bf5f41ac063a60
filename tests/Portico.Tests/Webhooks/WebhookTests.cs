namespace Portico.Tests.Webhooks;

/// A real HTTP receiver on 127.0.0.1 that records what it is sent and answers with the next queued status.
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public ConcurrentQueue<HttpStatusCode> Answers { get; } = new();
    public ConcurrentQueue<(Dictionary<string, string> Headers, string Body, HttpStatusCode Answered)> Received { get; } = new();
    public string Url { get; }

    /// Where a 3xx answer points.
    public string? Location { get; set; }

    public WebhookReceiver()
    {
        Url = $"http://127.0.0.1:{SmtpSink.FreePort()}/hooks/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _ = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var answer = Answers.TryDequeue(out var queued) ? queued : HttpStatusCode.OK;
            Received.Enqueue((headers, body, answer));
            context.Response.StatusCode = (int)answer;
            if ((int)answer is >= 300 and < 400 && Location is not null)
            {
                context.Response.RedirectLocation = Location;
            }
            context.Response.Close();
        }
    }

    public async Task<(Dictionary<string, string> Headers, string Body, HttpStatusCode Answered)[]> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Received.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True(Received.Count >= count, $"Expected {count} deliveries, got {Received.Count}.");
        return Received.ToArray();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}

public sealed class WebhookTests(PorticoApp app) : AppTests
{
    private static async Task<string> RegisterAsync(PorticoClient admin, string url, params string[] events)
    {
        var page = await admin.GetPageAsync("/staff/webhooks");
        var fields = new List<KeyValuePair<string, string>> { new("url", url), new("description", "Test receiver") };
        fields.AddRange(events.Select(e => new KeyValuePair<string, string>("events", e)));
        var response = await admin.Http.PostAsync(new Uri("/staff/webhooks?handler=Create", UriKind.Relative),
            new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", PorticoClient.Token(page)))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await PorticoClient.ParseAsync(response);
        return html.QuerySelector("[data-testid=webhook-secret]")!.TextContent.Trim();
    }

    private static string Signature(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    [Fact]
    public async Task A_new_request_is_posted_signed_to_the_receiver_and_a_failed_delivery_is_retried_until_it_succeeds()
    {
        using var receiver = new WebhookReceiver();
        receiver.Answers.Enqueue(HttpStatusCode.InternalServerError);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        var secret = await RegisterAsync(adminClient, receiver.Url, WebhookEvents.RequestCreated);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        // Only the encrypted secret is stored.
        Assert.False(await app.WithDbAsync((db, _) => db.WebhookEndpoints.AnyAsync(e => e.ProtectedSecret.Contains(secret))));

        var (account, customer) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
        var type = await app.CreateRequestTypeAsync(defaultAssigneeId: admin.Id);
        using var client = await app.SignInAsync(customer);
        var subject = "Webhook subject " + PorticoApp.Unique();
        var created = await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{account.Id}/requests", UriKind.Relative),
            new { typeId = type.Id, subject, priority = "High" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var deliveries = (await receiver.WaitForAsync(2)).Where(d => d.Body.Contains(subject, StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, deliveries.Length);
        Assert.Equal(HttpStatusCode.InternalServerError, deliveries[0].Answered);
        Assert.Equal(HttpStatusCode.OK, deliveries[1].Answered);
        foreach (var (headers, body, _) in deliveries)
        {
            Assert.Equal(WebhookEvents.RequestCreated, headers["Portico-Event"]);
            var parts = headers["Portico-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(Signature(secret, parts["t"], body), parts["v1"]);
            Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(parts["t"], System.Globalization.CultureInfo.InvariantCulture)) < 60);
            Assert.Contains(account.Id.ToString(), body, StringComparison.Ordinal);
        }
        Assert.Equal(deliveries[0].Headers["Portico-Delivery"], deliveries[1].Headers["Portico-Delivery"]);
        // A tampered body does not match the signature.
        var first = deliveries[0];
        var t = first.Headers["Portico-Signature"].Split(',')[0][2..];
        Assert.NotEqual(Signature(secret, t, first.Body.Replace(subject, "changed", StringComparison.Ordinal)), first.Headers["Portico-Signature"].Split(',')[1][3..]);

        var deliveryId = Guid.Parse(first.Headers["Portico-Delivery"]);
        var log = await LoggedAsync(deliveryId, d => d.DeliveredAt is not null);
        Assert.Equal(2, log.Attempts);
        Assert.Equal(200, log.LastStatusCode);
        Assert.NotNull(log.DeliveredAt);
        var logPage = await adminClient.GetPageAsync("/staff/webhooks");
        Assert.Contains(logPage.QuerySelectorAll("[data-testid=webhook-delivery]"), row => row.TextContent.Contains("200", StringComparison.Ordinal));

        // Manual redelivery sends the same delivery again.
        var redeliver = await adminClient.PostFormAsync("/staff/webhooks?handler=Redeliver", logPage, new Dictionary<string, string> { ["deliveryId"] = deliveryId.ToString() });
        Assert.Equal(HttpStatusCode.Redirect, redeliver.StatusCode);
        var all = await receiver.WaitForAsync(3);
        Assert.Equal(3, all.Count(d => d.Headers["Portico-Delivery"] == deliveryId.ToString()));

        // The receiver goes away with this test; stop sending other tests' events to it.
        await DeactivateAsync(receiver.Url);
    }

    /// The delivery's log once the sender has written what the attempt got back: the receiver sees the request before
    /// the sender has read the answer and saved it.
    private async Task<WebhookDelivery> LoggedAsync(Guid deliveryId, Func<WebhookDelivery, bool> written)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var log = await app.WithDbAsync((db, _) => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == deliveryId));
            if (written(log) || DateTime.UtcNow > deadline)
            {
                return log;
            }
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failed_delivery()
    {
        using var receiver = new WebhookReceiver();
        using var elsewhere = new WebhookReceiver();
        receiver.Location = elsewhere.Url;
        receiver.Answers.Enqueue(HttpStatusCode.RedirectKeepVerb);
        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        await RegisterAsync(adminClient, receiver.Url, WebhookEvents.RequestCreated);
        try
        {
            var (account, customer) = await app.CreateCustomerAsync(BuiltInRoles.Requester);
            var type = await app.CreateRequestTypeAsync(defaultAssigneeId: admin.Id);
            using var client = await app.SignInAsync(customer);
            var subject = "Redirected " + PorticoApp.Unique();
            Assert.Equal(HttpStatusCode.Created, (await client.Http.PostAsJsonAsync(new Uri($"/api/accounts/{account.Id}/requests", UriKind.Relative),
                new { typeId = type.Id, subject })).StatusCode);

            var first = (await receiver.WaitForAsync(1)).First(d => d.Body.Contains(subject, StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.RedirectKeepVerb, first.Answered);
            var deliveryId = Guid.Parse(first.Headers["Portico-Delivery"]);
            var log = await LoggedAsync(deliveryId, d => d.LastStatusCode is not null);
            Assert.Equal(307, log.LastStatusCode);
            Assert.Contains("redirects are not followed", log.LastError, StringComparison.Ordinal);
            Assert.Null(log.DeliveredAt);
            // The retry goes to the registered address again, never to where the redirect pointed.
            await receiver.WaitForAsync(2);
            Assert.Empty(elsewhere.Received);
        }
        finally
        {
            await DeactivateAsync(receiver.Url);
        }
    }

    private Task DeactivateAsync(string url) => app.WithDbAsync(async db =>
    {
        foreach (var endpoint in await db.WebhookEndpoints.Where(e => e.Url == url).ToListAsync())
        {
            endpoint.Deactivate();
        }
        await db.SaveChangesAsync();
    });

    [Fact]
    public async Task Only_admins_manage_webhooks_and_a_bad_address_is_refused()
    {
        var agent = await app.CreateUserAsync(staffRole: StaffRole.Agent);
        using var agentClient = await app.SignInAsync(agent);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.Http.GetAsync(new Uri("/staff/webhooks", UriKind.Relative))).StatusCode);

        var admin = await app.CreateUserAsync(staffRole: StaffRole.Admin);
        using var adminClient = await app.SignInAsync(admin);
        var page = await adminClient.GetPageAsync("/staff/webhooks");
        var before = await app.WithDbAsync((db, _) => db.WebhookEndpoints.CountAsync());
        var response = await adminClient.PostFormAsync("/staff/webhooks?handler=Create", page, new Dictionary<string, string>
        {
            ["url"] = "javascript:alert(1)",
            ["events"] = WebhookEvents.RequestCreated,
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("full address", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await app.WithDbAsync((db, _) => db.WebhookEndpoints.CountAsync()));
    }
}

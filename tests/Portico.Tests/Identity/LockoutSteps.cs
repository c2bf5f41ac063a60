namespace Portico.Tests.Identity;

/// What a locked-out sign-in looks like, whichever step of it locked the person out.
internal static class LockoutSteps
{
    /// Each answer is the form again saying the sign-in is locked; the lock-out is audited once and mailed to the person.
    public static async Task AssertLockedOutAsync(PorticoApp app, PorticoUser user, params HttpResponseMessage[] answers)
    {
        foreach (var response in answers)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await PorticoClient.ParseAsync(response);
            Assert.Contains("locked", page.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        }
        Assert.Equal(1, await app.WithDbAsync((db, _) => db.AuditEvents.CountAsync(e => e.Action == AuditActions.LockedOut && e.ActorUserId == user.Id)));
        var email = await app.Mail.WaitForAsync(m => m.Contains(user.Email!, StringComparison.Ordinal));
        Assert.Contains("Subject: Your sign-in was locked", email, StringComparison.Ordinal);
    }
}

namespace Portico.Tests.Infrastructure;

/// Request types and requests written straight to the database, for tests that need one to exist.
public static class RequestTestData
{
    public static Task<RequestType> CreateRequestTypeAsync(this PorticoApp app, string? name = null, IEnumerable<RequestField>? fields = null,
        IEnumerable<string>? allowedRoles = null, Guid? defaultAssigneeId = null) => app.WithDbAsync(async (db, _) =>
    {
        var now = DateTime.UtcNow;
        var type = new RequestType(name ?? "Type " + PorticoApp.Unique(), "A request type for tests", now);
        type.Update(type.Name, type.Description, true, fields ?? [], allowedRoles ?? [], defaultAssigneeId, RequestType.DefaultSla(), now);
        db.RequestTypes.Add(type);
        await db.SaveChangesAsync();
        return type;
    });

    /// A request in the account with one public staff reply, one internal note and one attachment.
    public static Task<Request> CreateRequestAsync(this PorticoApp app, Account account, PorticoUser submitter, RequestType type, string? subject = null,
        bool shared = false, byte[]? attachment = null) => app.WithDbAsync((db, services) =>
        // Numbered by the account's counter, as the portal does, so requests made here and through the portal never collide.
        services.GetRequiredService<AccountNumbers>().WithNextAsync(account.Id, AccountCounter.Requests,
            async ct => await db.Requests.Where(r => r.AccountId == account.Id).MaxAsync(r => (int?)r.Number, ct) ?? 0,
            async number =>
            {
                var now = DateTime.UtcNow;
                var request = new Request(account.Id, number, type, subject ?? "Request " + PorticoApp.Unique(), RequestPriority.Normal,
                    submitter.Id, submitter.DisplayName, shared, [], now);
                db.Requests.Add(request);
                db.RequestEvents.Add(new RequestEvent(request, now, submitter.DisplayName, "Submitted"));
                await using var stored = await services.GetRequiredService<AttachmentFiles>().StoreAsync(
                    [new UploadedFile("evidence.txt", attachment ?? System.Text.Encoding.UTF8.GetBytes("Evidence for " + account.Name))], default);
                db.RequestAttachments.Add(new RequestAttachment(request, null, null, stored.Files[0], submitter.Id, now));
                await db.SaveChangesAsync();
                stored.Keep();
                return request;
            }, CancellationToken.None));
}

using Portico.Features.Insights;

namespace Portico.Features.Requests;

/// A customer submits a request: validated against its type, numbered within the account,
/// assigned to the type's default assignee, and announced by email and in the activity feed,
/// all in one save.
public sealed class SubmitRequest(PorticoDb db, AccountContext account, RequestAccess access, RequestNotifier notifier, AuditLog audit, KeyEvents keyEvents,
    AttachmentFiles attachmentFiles, AccountNumbers numbers, IOptions<RequestOptions> options, TimeProvider clock,
    IStringLocalizer<SubmitRequest> text)
{
    public const string TypeRefusal = "Choose a request type you may submit.";

    /// Active types the current member's role may submit.
    public async Task<List<RequestType>> TypesAsync(CancellationToken ct)
    {
        var types = await db.RequestTypes.AsNoTracking().Where(t => t.IsActive).OrderBy(t => t.Name).ToListAsync(ct);
        return types.Where(t => t.AllowsRole(account.RoleName)).ToList();
    }

    public async Task<RequestType?> TypeAsync(Guid typeId, CancellationToken ct) =>
        (await TypesAsync(ct)).FirstOrDefault(t => t.Id == typeId);

    /// The new request, or refused with an error per field key ("type", "subject", a custom field's key).
    public async Task<Outcome<Request>> RunAsync(Guid typeId, RequestInput input, CancellationToken ct)
    {
        var accountId = account.AccountId ?? throw new InvalidOperationException("No account in scope.");
        var type = await TypeAsync(typeId, ct);
        return await SubmitAsync(accountId, type, input, access.UserId, access.UserName, Channel.Portal, ct);
    }

    /// Staff log a request for one of the account's people, taken by phone or from an email: the person is its
    /// submitter and follows it in the portal like any other; the channel and the staff member who logged it are kept.
    public async Task<Outcome<Request>> LogForCustomerAsync(Guid accountId, Guid requesterId, Guid typeId, Channel channel, RequestInput input, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var requester = await db.Memberships.AsNoTracking().Where(m => m.AccountId == accountId && m.UserId == requesterId && (m.ExpiresAt == null || m.ExpiresAt > now))
            .Select(m => new { m.User.DisplayName, Role = m.Role.Name }).SingleOrDefaultAsync(ct);
        if (requester is null)
        {
            string refusal = text[RequesterRefusal];
            return Outcome.Refused(refusal, new Dictionary<string, string> { ["requester"] = refusal });
        }
        if (channel is not (Channel.Phone or Channel.Email))
        {
            string refusal = text[ChannelRefusal];
            return Outcome.Refused(refusal, new Dictionary<string, string> { ["channel"] = refusal });
        }
        var type = await db.RequestTypes.AsNoTracking().SingleOrDefaultAsync(t => t.Id == typeId && t.IsActive, ct);
        return await SubmitAsync(accountId, type?.AllowsRole(requester.Role) == true ? type : null, input, requesterId, requester.DisplayName, channel, ct);
    }

    public const string RequesterRefusal = "Choose one of the account's people as the requester.";
    public const string ChannelRefusal = "Choose how the request came in: by phone or by email.";

    private async Task<Outcome<Request>> SubmitAsync(Guid accountId, RequestType? type, RequestInput input, Guid submitterId, string submitterName,
        Channel channel, CancellationToken ct)
    {
        if (type is null)
        {
            string refusal = text[TypeRefusal];
            return Outcome.Refused(refusal, new Dictionary<string, string> { ["type"] = refusal });
        }
        var (valid, errors) = RequestForm.Validate(type, input, options.Value, text);
        if (valid is null)
        {
            return Outcome.Refused(errors.Values.First(), errors);
        }
        var accountName = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.Name).SingleAsync(ct);
        string? assigneeName = type.DefaultAssigneeId is { } assigneeId
            ? await db.Users.Where(u => u.Id == assigneeId && u.StaffRole != null).Select(u => u.DisplayName).SingleOrDefaultAsync(ct)
            : null;
        var loggedByStaff = channel != Channel.Portal;
        await using var stored = await attachmentFiles.StoreAsync(valid.Files.Select(f => f.File), ct);

        // The number comes from the account's counter in the same transaction, so submissions at once never collide.
        var request = await numbers.WithNextAsync(accountId, AccountCounter.Requests,
            async token => await db.Requests.Where(r => r.AccountId == accountId).MaxAsync(r => (int?)r.Number, token) ?? 0,
            async number =>
            {
                var now = clock.GetUtcNow().UtcDateTime;
                var request = new Request(accountId, number, type, valid.Subject, valid.Priority, submitterId, submitterName, valid.Shared, valid.Values, now, channel);
                db.Requests.Add(request);
                db.RequestEvents.Add(new RequestEvent(request, now, loggedByStaff ? access.UserName : submitterName,
                    loggedByStaff ? $"Logged for {submitterName} from {(channel == Channel.Phone ? "a phone call" : "an email")}" : "Submitted"));
                if (assigneeName is not null)
                {
                    request.AssignTo(type.DefaultAssigneeId, assigneeName, now);
                    db.RequestEvents.Add(new RequestEvent(request, now, "Portico", $"Assigned to {assigneeName}", staffOnly: true));
                }
                foreach (var ((fieldKey, _), file) in valid.Files.Zip(stored.Files))
                {
                    db.RequestAttachments.Add(new RequestAttachment(request, null, fieldKey, file, access.UserId, now));
                }
                audit.Record(AuditActions.RequestCreated, accountId, "Request", request.Id.ToString(),
                    new { number, type = type.Name, subject = request.Subject, priority = request.Priority.ToString(), shared = request.SharedWithAccount,
                        channel = channel.ToString(), requester = loggedByStaff ? submitterId : (Guid?)null });
                keyEvents.Record(KeyEventKind.RequestCreated, accountId, loggedByStaff ? access.UserId : submitterId, loggedByStaff ? Channel.StaffOnBehalf : null);
                await notifier.SubmittedAsync(request, accountName, ct);
                await db.SaveChangesAsync(ct);
                return request;
            }, ct);
        stored.Keep();
        return request;
    }
}

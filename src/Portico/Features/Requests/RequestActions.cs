using Portico.Features.Insights;

namespace Portico.Features.Requests;

/// How request actions save: a concurrent change is refused, additive actions queue on a lock.
public static class RequestWrites
{
    public const string ChangedMeanwhile = "This request was changed by someone else just now. Reload the page and try again.";

    /// Saves the unit of work; a concurrent change to the same request is refused, not overwritten.
    /// Files stored for it are kept only once it is saved.
    public static async Task<Outcome> SaveAsync(PorticoDb db, CancellationToken ct, StoredAttachments? files = null)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            files?.Keep();
            return Outcome.Done;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.Refused(ChangedMeanwhile);
        }
    }

    /// Runs an additive action (a reply, a note) with the request locked before it is read: replies at
    /// once queue behind each other instead of refusing each other, so nobody loses what they typed.
    public static Task<Outcome> LockedAsync(PorticoDb db, Guid requestId, Func<Task<Outcome>> action, CancellationToken ct) =>
        db.WithRowLockedAsync(() => db.Requests.Where(r => r.Id == requestId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, r => r.Version), ct),
            action, outcome => outcome.Succeeded, ct);
}

/// What customers do on a request they can see: reply, provide information, confirm, reopen, share.
public sealed class CustomerRequestActions(PorticoDb db, RequestAccess access, RequestNotifier notifier, AuditLog audit, KeyEvents keyEvents,
    AttachmentFiles attachmentFiles, IOptions<RequestOptions> options, TimeProvider clock, IStringLocalizer<CustomerRequestActions> text)
{
    public Task<Outcome> ReplyAsync(Guid requestId, string? body, IReadOnlyList<UploadedFile> files, CancellationToken ct) =>
        RequestWrites.LockedAsync(db, requestId, () => ReplyLockedAsync(requestId, body, files, ct), ct);

    private async Task<Outcome> ReplyLockedAsync(Guid requestId, string? body, IReadOnlyList<UploadedFile> files, CancellationToken ct)
    {
        var request = await access.Visible().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        if (!access.CanAct)
        {
            return Outcome.Forbidden(text["Your role can read requests but not reply to them."]);
        }
        if (request.Status == RequestStatus.Closed)
        {
            return Outcome.Refused(text["This request is closed. Submit a new request if you need more help."]);
        }
        if (request.Status == RequestStatus.Resolved)
        {
            return Outcome.Refused(text["This request is resolved. Reopen it to reply."]);
        }
        if (ValidateBody(body, text) is { } bodyError)
        {
            return Outcome.Refused(bodyError);
        }
        if (files.Count > 0 && RequestForm.CheckFiles(files, options.Value, text) is { } fileError)
        {
            return Outcome.Refused(fileError);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var message = new RequestMessage(request, access.UserId, access.UserName, fromStaff: false, isInternal: false, body!.Trim().ReplaceLineEndings("\n"), now);
        db.RequestMessages.Add(message);
        await using var stored = await attachmentFiles.StoreAsync(files, ct);
        foreach (var file in stored.Files)
        {
            db.RequestAttachments.Add(new RequestAttachment(request, message.Id, null, file, access.UserId, now));
        }
        var from = request.Status;
        if (from == RequestStatus.WaitingOnCustomer)
        {
            // Providing the information asked for hands the request back to the team.
            request.MoveTo(RequestStatus.InProgress, now);
            db.RequestEvents.Add(new RequestEvent(request, now, access.UserName, $"Provided information: {from.Human()} → {request.Status.Human()}"));
            audit.Record(AuditActions.RequestStatusChanged, request.AccountId, "Request", request.Id.ToString(),
                new { number = request.Number, from = from.ToString(), to = request.Status.ToString() });
        }
        else
        {
            request.Touch(now);
        }
        audit.Record(AuditActions.RequestReplied, request.AccountId, "Request", request.Id.ToString(),
            new { number = request.Number, message = message.Id, attachments = files.Count });
        keyEvents.Record(KeyEventKind.RequestReplied, request.AccountId, access.UserId);
        await notifier.CustomerRepliedAsync(request, message, ct);
        return await SaveAsync(ct, stored);
    }

    public Task<Outcome> ConfirmResolvedAsync(Guid requestId, CancellationToken ct) =>
        MoveAsync(requestId, RequestStatus.Resolved, RequestStatus.Closed, "Confirmed resolved",
            text["This request is {0}; only a {1} request can be confirmed resolved."], null, ct);

    public Task<Outcome> ReopenAsync(Guid requestId, CancellationToken ct) =>
        MoveAsync(requestId, RequestStatus.Resolved, RequestStatus.InProgress, "Reopened",
            text["This request is {0}; only a {1} request can be reopened."], r =>
            r.ResolvedAt is { } at && clock.GetUtcNow().UtcDateTime > at.AddDays(options.Value.ReopenWindowDays)
                ? text["Requests can be reopened up to {0} days after they are resolved. Submit a new request instead.", options.Value.ReopenWindowDays].Value
                : null, ct);

    /// wrongStatus is the refusal, with {0} the request's status and {1} the one required.
    private async Task<Outcome> MoveAsync(Guid requestId, RequestStatus requiredStatus, RequestStatus to, string what, string wrongStatus,
        Func<Request, string?>? extraCheck, CancellationToken ct)
    {
        var request = await access.Visible().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        if (!access.CanAct)
        {
            return Outcome.Forbidden(text["Your role can read requests but not change them."]);
        }
        if (request.Status != requiredStatus)
        {
            return Outcome.Refused(string.Format(System.Globalization.CultureInfo.CurrentCulture, wrongStatus, request.Status.Human(), requiredStatus.Human()));
        }
        if (extraCheck?.Invoke(request) is { } error)
        {
            return Outcome.Refused(error);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var from = request.Status;
        request.MoveTo(to, now);
        db.RequestEvents.Add(new RequestEvent(request, now, access.UserName, $"{what}: {from.Human()} → {to.Human()}"));
        audit.Record(AuditActions.RequestStatusChanged, request.AccountId, "Request", request.Id.ToString(),
            new { number = request.Number, from = from.ToString(), to = to.ToString() });
        if (to == RequestStatus.InProgress)
        {
            keyEvents.Record(KeyEventKind.RequestReopened, request.AccountId, access.UserId);
        }
        await notifier.StatusChangedAsync(request, from, access.UserName, ct);
        return await SaveAsync(ct);
    }

    public async Task<Outcome> ShareAsync(Guid requestId, bool shared, CancellationToken ct)
    {
        var request = await access.Visible().SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        if (!access.CanAct || (request.SubmitterId != access.UserId && !access.SeesAll))
        {
            return Outcome.Forbidden(text["Only the person who submitted the request or an account owner can change who sees it."]);
        }
        if (request.SharedWithAccount == shared)
        {
            return Outcome.Done;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        request.ShareWithAccount(shared, now);
        db.RequestEvents.Add(new RequestEvent(request, now, access.UserName, shared ? "Shared with everyone in the account" : "Made private to the submitter"));
        audit.Record(AuditActions.RequestVisibilityChanged, request.AccountId, "Request", request.Id.ToString(), new { number = request.Number, shared });
        return await SaveAsync(ct);
    }

    internal static string? ValidateBody(string? body, IStringLocalizer? text = null)
    {
        var trimmed = body?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return text.Say("Write a message.");
        }
        return trimmed.Length > RequestLimits.Body ? text.Say("A message can be at most {0:N0} characters (this one has {1:N0}).", RequestLimits.Body, trimmed.Length) : null;
    }

    /// A change made by someone else meanwhile is refused in the customer's language.
    private async Task<Outcome> SaveAsync(CancellationToken ct, StoredAttachments? files = null) =>
        (await RequestWrites.SaveAsync(db, ct, files)).Succeeded ? Outcome.Done : Outcome.Refused(text[RequestWrites.ChangedMeanwhile]);
}

public sealed record StaffMember(Guid Id, string Name);

/// What agents do from the console: reply, add internal notes, move status, assign, in bulk too.
public sealed class StaffRequestActions(PorticoDb db, RequestNotifier notifier, AuditLog audit, KeyEvents keyEvents, IHttpContextAccessor http,
    AttachmentFiles attachmentFiles, IOptions<RequestOptions> options, TimeProvider clock, IStringLocalizer<StaffRequestActions> text)
{
    private Guid UserId => http.HttpContext!.User.UserId()!.Value;
    private string UserName => RequestAccess.DisplayName(http.HttpContext?.User);

    public Task<List<StaffMember>> AssigneesAsync(CancellationToken ct) =>
        db.Users.AsNoTracking().Where(u => u.StaffRole == StaffRole.Agent || u.StaffRole == StaffRole.Admin)
            .OrderBy(u => u.DisplayName).Select(u => new StaffMember(u.Id, u.DisplayName)).ToListAsync(ct);

    public Task<Outcome> ReplyAsync(Guid requestId, string? body, bool isInternal, RequestStatus? thenStatus,
        IReadOnlyList<UploadedFile> files, CancellationToken ct) =>
        RequestWrites.LockedAsync(db, requestId, () => ReplyLockedAsync(requestId, body, isInternal, thenStatus, files, ct), ct);

    private async Task<Outcome> ReplyLockedAsync(Guid requestId, string? body, bool isInternal, RequestStatus? thenStatus,
        IReadOnlyList<UploadedFile> files, CancellationToken ct)
    {
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        if (request.Status == RequestStatus.Closed && !isInternal)
        {
            return Outcome.Refused(text["This request is closed; public replies are no longer possible. Add an internal note instead."]);
        }
        if (CustomerRequestActions.ValidateBody(body, text) is { } bodyError)
        {
            return Outcome.Refused(bodyError);
        }
        if (files.Count > 0 && RequestForm.CheckFiles(files, options.Value, text) is { } fileError)
        {
            return Outcome.Refused(fileError);
        }
        if (thenStatus is { } next && next != request.Status && !RequestWorkflow.CanMove(request.Status, next))
        {
            return Outcome.Refused(text["A request that is {0} cannot move to {1}.", request.Status.Human(), next.Human()]);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var message = new RequestMessage(request, UserId, UserName, fromStaff: true, isInternal, body!.Trim().ReplaceLineEndings("\n"), now);
        db.RequestMessages.Add(message);
        await using var stored = await attachmentFiles.StoreAsync(files, ct);
        foreach (var file in stored.Files)
        {
            db.RequestAttachments.Add(new RequestAttachment(request, message.Id, null, file, UserId, now));
        }
        if (isInternal)
        {
            request.Touch(now);
            audit.Record(AuditActions.RequestInternalNoteAdded, request.AccountId, "Request", request.Id.ToString(), new { number = request.Number, message = message.Id });
        }
        else
        {
            request.RecordStaffResponse(now);
            audit.Record(AuditActions.RequestReplied, request.AccountId, "Request", request.Id.ToString(),
                new { number = request.Number, message = message.Id, attachments = files.Count });
            keyEvents.Record(KeyEventKind.RequestReplied, request.AccountId, UserId, Channel.StaffOnBehalf);
            await notifier.StaffRepliedAsync(request, message, ct);
        }
        if (thenStatus is { } to && to != request.Status)
        {
            await MoveAsync(request, to, now, ct);
        }
        return await RequestWrites.SaveAsync(db, ct, stored);
    }

    public async Task<Outcome> ChangeStatusAsync(Guid requestId, RequestStatus to, CancellationToken ct)
    {
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        if (request.Status == to)
        {
            return Outcome.Done;
        }
        if (!RequestWorkflow.CanMove(request.Status, to))
        {
            return Outcome.Refused(text["A request that is {0} cannot move to {1}.", request.Status.Human(), to.Human()]);
        }
        await MoveAsync(request, to, clock.GetUtcNow().UtcDateTime, ct);
        return await SaveAsync(ct);
    }

    public async Task<Outcome> AssignAsync(Guid requestId, Guid? assigneeId, CancellationToken ct)
    {
        var request = await db.Requests.SingleOrDefaultAsync(r => r.Id == requestId, ct);
        if (request is null)
        {
            return Outcome.NotFound;
        }
        var outcome = await AssignAsync(request, assigneeId, ct);
        return outcome.Succeeded ? await SaveAsync(ct) : outcome;
    }

    /// Applies one change to many requests; all or nothing, so a refused one stops the batch.
    public async Task<Outcome> BulkAsync(IReadOnlyCollection<Guid> requestIds, RequestStatus? status, Guid? assigneeId, bool unassign, CancellationToken ct)
    {
        if (requestIds.Count == 0)
        {
            return Outcome.Refused(text["Select at least one request."]);
        }
        if (status is null && assigneeId is null && !unassign)
        {
            return Outcome.Refused(text["Choose a status or an assignee to apply."]);
        }
        var requests = await db.Requests.Where(r => requestIds.Contains(r.Id)).ToListAsync(ct);
        if (requests.Count != requestIds.Count)
        {
            return Outcome.Refused(text["Some selected requests no longer exist. Reload the queue."]);
        }
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var request in requests)
        {
            if (status is { } to && to != request.Status)
            {
                if (!RequestWorkflow.CanMove(request.Status, to))
                {
                    return Outcome.Refused(text["Request #{0} ({1}) is {2} and cannot move to {3}. Nothing was changed.", request.Number, request.Subject, request.Status.Human(), to.Human()]);
                }
                await MoveAsync(request, to, now, ct);
            }
            if (assigneeId is not null || unassign)
            {
                var assigned = await AssignAsync(request, unassign ? null : assigneeId, ct);
                if (!assigned.Succeeded)
                {
                    return assigned;
                }
            }
        }
        return await SaveAsync(ct);
    }

    private async Task MoveAsync(Request request, RequestStatus to, DateTime now, CancellationToken ct)
    {
        var from = request.Status;
        request.MoveTo(to, now);
        db.RequestEvents.Add(new RequestEvent(request, now, UserName, $"{from.Human()} → {to.Human()}"));
        audit.Record(AuditActions.RequestStatusChanged, request.AccountId, "Request", request.Id.ToString(),
            new { number = request.Number, from = from.ToString(), to = to.ToString() });
        if (to == RequestStatus.Resolved || (from == RequestStatus.Resolved && to == RequestStatus.InProgress))
        {
            keyEvents.Record(to == RequestStatus.Resolved ? KeyEventKind.RequestResolved : KeyEventKind.RequestReopened,
                request.AccountId, UserId, Channel.StaffOnBehalf);
        }
        await notifier.StatusChangedAsync(request, from, UserName, ct);
    }

    private async Task<Outcome> AssignAsync(Request request, Guid? assigneeId, CancellationToken ct)
    {
        if (request.AssigneeId == assigneeId)
        {
            return Outcome.Done;
        }
        string? name = null;
        if (assigneeId is { } id)
        {
            name = await db.Users.Where(u => u.Id == id && (u.StaffRole == StaffRole.Agent || u.StaffRole == StaffRole.Admin))
                .Select(u => u.DisplayName).SingleOrDefaultAsync(ct);
            if (name is null)
            {
                return Outcome.Refused(text["Requests can only be assigned to agents and admins."]);
            }
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var before = request.AssigneeName;
        request.AssignTo(assigneeId, name, now);
        db.RequestEvents.Add(new RequestEvent(request, now, UserName, name is null ? "Unassigned" : $"Assigned to {name}", staffOnly: true));
        audit.Record(AuditActions.RequestAssigned, request.AccountId, "Request", request.Id.ToString(),
            new { number = request.Number, from = before, to = name });
        return Outcome.Done;
    }

    private Task<Outcome> SaveAsync(CancellationToken ct) => RequestWrites.SaveAsync(db, ct);
}
